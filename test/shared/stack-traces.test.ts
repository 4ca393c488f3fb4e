// The Lambda entries map stack traces through the bundle's source map themselves, and only once one is formatted,
// so that a cold start does not pay for reading the map (Node's --enable-source-maps reads it at load).
import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_OUT_DIR } from '../../bench/bundle.js';
import { LAMBDA_BUILD } from '../../lib/lambda-build.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/stack-trace-entry.ts');
const CHUNK_FIXTURE = path.resolve(import.meta.dirname, '../fixtures/stack-trace-chunk.ts');
const OUT_DIR = path.join(BENCH_OUT_DIR, 'stack-traces-test');
const RUNNER = path.join(OUT_DIR, 'runner.mjs');

// Imports a bundle, optionally removes its map afterwards, then prints whether mapping is installed and the stack
// of an error thrown inside the bundle: in its entry, or in a chunk it imports.
const RUNNER_SOURCE = `
import { rmSync } from 'node:fs';
const [bundle, removeMapAfterImport, where] = process.argv.slice(2);
const entry = await import(bundle);
if (removeMapAfterImport === 'yes') rmSync(new URL(bundle + '.map'));
try {
  await (where === 'chunk' ? entry.failInChunk() : entry.failInBundle());
} catch (error) {
  console.log(JSON.stringify({ mapped: entry.stackTracesMapped(), stack: error.stack }));
}
`;

/** The fixture built as the stack builds a Lambda (lib/lambda-build.ts), with or without source maps. */
async function bundleFixture(name: string, sourcemap: boolean): Promise<string> {
  const outdir = path.join(OUT_DIR, name);
  await build({ ...LAMBDA_BUILD, entryPoints: { index: FIXTURE }, outdir, sourcemap });
  return pathToFileURL(path.join(outdir, 'index.mjs')).href;
}

function run(
  bundleUrl: string,
  options: { removeMapAfterImport?: boolean; nodeOptions?: string; throwInChunk?: boolean } = {},
) {
  const result = spawnSync(
    process.execPath,
    [
      RUNNER,
      bundleUrl,
      options.removeMapAfterImport ? 'yes' : 'no',
      options.throwInChunk ? 'chunk' : 'entry',
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH, NODE_OPTIONS: options.nodeOptions ?? '' } },
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { mapped: boolean; stack: string };
}

describe('stack traces mapped on demand', () => {
  let throwPlace: string;
  let chunkThrowPlace: string;

  beforeAll(async () => {
    await rm(OUT_DIR, { recursive: true, force: true });
    await build({ stdin: { contents: RUNNER_SOURCE }, outfile: RUNNER, logLevel: 'warning' });
    throwPlace = await placeOf(FIXTURE, 'new Error');
    chunkThrowPlace = await placeOf(CHUNK_FIXTURE, 'new Error');
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

  it('shows frames of a chunk the bundle imported at their place in the TypeScript source', async () => {
    // Prepare
    const bundle = await bundleFixture('chunk', true);

    // Act
    const { mapped, stack } = run(bundle, { throwInChunk: true });

    // Assess
    expect(mapped).toBe(true);
    const [header, firstFrame] = stack.split('\n');
    expect(header).toBe('Error: failed in a chunk');
    expect(firstFrame).toContain(`(${chunkThrowPlace})`);
    expect(stack).not.toContain(`${new URL('chunks/', bundle).href}`);
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

/** Where V8 places an error thrown in `file`: where it is constructed. */
async function placeOf(file: string, text: string): Promise<string> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const line = lines.findIndex((candidate) => candidate.includes(text));
  return `${file}:${line + 1}:${(lines[line] ?? '').indexOf(text) + 1}`;
}
