// Secrets never on a command line, where the shell history and the process list keep them: every command the
// documentation and the stack outputs give for filling a secret reads it from a file (or standard input).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');
const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((name) => path.join('docs', name))];

/** The `--secret-string` arguments of the put-secret-value commands in a text. */
function secretArguments(text: string): string[] {
  return [...text.matchAll(/put-secret-value[^\n]*?--secret-string\s+(\S+)/g)].map((match) => match[1] ?? '');
}

describe('commands that fill a secret', () => {
  it.each(DOCS)('in %s read the secret from a file or standard input', (file) => {
    const args = secretArguments(readFileSync(path.join(ROOT, file), 'utf8'));
    expect(args.filter((arg) => !/^(file:\/\/|-$)/.test(arg))).toEqual([]);
  });

  it('are given for both secrets in the README and the operations guide', () => {
    const readme = secretArguments(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    const operations = secretArguments(readFileSync(path.join(ROOT, 'docs', 'operations.md'), 'utf8'));
    expect(readme.length).toBeGreaterThan(0);
    expect(operations.length).toBeGreaterThan(1);
  });
});
