// The key is read from standard input: piped in whole, or typed at a prompt that never echoes it.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readKey } from '../../cli/key-input.js';

/** A terminal stand-in: raw mode recorded, what was shown collected. */
function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    raw: [] as boolean[],
    setRawMode(raw: boolean) {
      input.raw.push(raw);
    },
  });
  let shown = '';
  const output = new PassThrough();
  output.on('data', (chunk) => {
    shown += chunk.toString();
  });
  return { input, output, shown: () => shown };
}

describe('Function: readKey', () => {
  it('reads everything piped in', async () => {
    // Prepare
    const input = new PassThrough();
    input.end('key-acme\n');

    // Act
    const key = await readKey('Pleo API key: ', input, new PassThrough());

    // Assess
    expect(key).toBe('key-acme\n');
  });

  it('reads a typed line with echo off, honouring backspace, and shows only the prompt', async () => {
    // Prepare
    const { input, output, shown } = terminal();

    // Act
    const reading = readKey('Pleo API key for acme: ', input, output);
    input.write('key-acmx\u007fe\r');
    const key = await reading;

    // Assess
    expect(key).toBe('key-acme');
    expect(input.raw).toEqual([true, false]);
    expect(shown()).toBe('Pleo API key for acme: \n');
  });

  it('stops on Ctrl-C, storing nothing', async () => {
    // Prepare
    const { input, output } = terminal();

    // Act
    const reading = readKey('Pleo API key: ', input, output);
    input.write('key\u0003');

    // Assess
    await expect(reading).rejects.toThrow('cancelled: nothing was stored');
    expect(input.raw).toEqual([true, false]);
  });
});
