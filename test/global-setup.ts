// One directory per test run where synthesized stacks are kept, so test files asking for the same context share one
// synth (bundling both functions and running cdk-nag and cfn-guard takes 15-50 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    synthCacheDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pleo-export-alerts-synth-'));
  project.provide('synthCacheDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
