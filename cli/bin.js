#!/usr/bin/env node
// `npx pleo-export-alerts`: the CLI's TypeScript runs through tsx, as `npm start` does, so neither a checkout nor an
// installed package needs a build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('./main.ts');
const { readKey } = await import('./key-input.ts');
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readSecret: (prompt) => readKey(prompt),
});
