// The Lambda entries map stack traces through the bundle's source map themselves, and only once one is formatted,
// so that a cold start does not pay for reading the map (Node's --enable-source-maps reads it at load).
import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_OUT_DIR } from '../../bench/bundle.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/stack-trace-entry.ts');
const OUT_DIR = path.join(BENCH_OUT_DIR, 'stack-traces-test');
const RUNNER = path.join(OUT_DIR, 'runner.mjs');

// Imports a bundle, optionally removes its map afterwards, then prints whether mapping is installed and the stack
// of an error thrown inside the bundle.
const RUNNER_SOURCE = `
import { rmSync } from 'node:fs';
const [bundle, removeMapAfterImport] = process.argv.slice(2);
const entry = await import(bundle);
if (removeMapAfterImport === 'yes') rmSync(new URL(bundle + '.map'));
try {
  entry.failInBundle();
} catch (error) {
  console.log(JSON.stringify({ mapped: entry.stackTracesMapped(), stack: error.stack }));
}
`;

async function bundleFixture(name: string, sourcemap: boolean): Promise<string> {
  const outfile = path.join(OUT_DIR, name, 'index.mjs');
  await build({
    entryPoints: [FIXTURE],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap,
    sourcesContent: false,
    logLevel: 'warning',
  });
  return pathToFileURL(outfile).href;
}

function run(bundleUrl: string, options: { removeMapAfterImport?: boolean; nodeOptions?: string } = {}) {
  const result = spawnSync(
    process.execPath,
    [RUNNER, bundleUrl, options.removeMapAfterImport ? 'yes' : 'no'],
    { encoding: 'utf8', env: { PATH: process.env.PATH, NODE_OPTIONS: options.nodeOptions ?? '' } },
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { mapped: boolean; stack: string };
}

describe('stack traces mapped on demand', () => {
  let throwPlace: string;

  beforeAll(async () => {
    await rm(OUT_DIR, { recursive: true, force: true });
    await build({ stdin: { contents: RUNNER_SOURCE }, outfile: RUNNER, logLevel: 'warning' });
    const lines = (await readFile(FIXTURE, 'utf8')).split('\n');
    // V8 places a thrown error where it is constructed.
    const line = lines.findIndex((text) => text.includes('throw new Error'));
    throwPlace = `${FIXTURE}:${line + 1}:${(lines[line] ?? '').indexOf('new Error') + 1}`;
  });
  afterAll(async () => {
    await rm(OUT_DIR, { recursive: true, force: true });
  });

  it('shows frames of the bundle at their place in the TypeScript source', async () => {
    // Prepare
    const bundle = await bundleFixture('mapped', true);

    // Act
    const { mapped, stack } = run(bundle);

    // Assess
    expect(mapped).toBe(true);
    const [header, firstFrame, ...callers] = stack.split('\n');
    expect(header).toBe('Error: failed in the bundle');
    expect(firstFrame).toMatch(/^ {4}at \S+ \(/);
    expect(firstFrame).toContain(`(${throwPlace})`);
    expect(stack).not.toContain(bundle);
    // Frames outside the bundle are left as V8 writes them.
    expect(callers.join('\n')).toContain(`${pathToFileURL(RUNNER).href}:`);
  });

  it('reads the source map only when a stack trace is formatted, not when the bundle loads', async () => {
    // Prepare: the map is gone by the time the error is thrown
    const bundle = await bundleFixture('lazy', true);

    // Act
    const { mapped, stack } = run(bundle, { removeMapAfterImport: true });

    // Assess: had it been read at load, the frame would be mapped; instead it keeps its bundle place
    expect(mapped).toBe(true);
    expect(stack.split('\n')[0]).toBe('Error: failed in the bundle');
    expect(stack.split('\n')[1]).toContain(`${bundle}:`);
    expect(stack).not.toContain(throwPlace);
  });

  it('changes nothing where there is no map beside the module', async () => {
    // Prepare
    const bundle = await bundleFixture('unmapped', false);

    // Act
    const { mapped, stack } = run(bundle);

    // Assess
    expect(mapped).toBe(false);
    expect(stack.split('\n')[1]).toContain(`${bundle}:`);
  });

  it('leaves the mapping to Node when it runs with --enable-source-maps', async () => {
    // Prepare
    const bundle = await bundleFixture('node-maps', true);

    // Act
    const { mapped, stack } = run(bundle, { nodeOptions: '--enable-source-maps' });

    // Assess
    expect(mapped).toBe(false);
    expect(stack.split('\n')[1]).toContain(throwPlace);
  });
});
