import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenReferences, documentationFiles, headingSlugs, topLevelEntries } from './references.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** "About 10 KB": what a newcomer reads before anything else. */
const README_MAX_BYTES = 10 * 1024;

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the documentation', () => {
  it('has a README of at most 10 KB with a table of contents', () => {
    // Prepare / Act
    const readme = read('README.md');

    // Assess
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(README_MAX_BYTES);
    expect(readme).toMatch(/^## Contents$/m);
    for (const [, anchor] of readme.matchAll(/^- \[[^\]]+\]\(#([^)]+)\)$/gm)) {
      expect(headingSlugs(readme)).toContain(anchor);
    }
  });

  it('has only links and cited paths that resolve, in the README, docs/ and bench/README.md', () => {
    // Prepare
    const files = documentationFiles(ROOT);
    const topLevel = topLevelEntries(ROOT);

    // Act
    const problems = files.flatMap((file) => brokenReferences(ROOT, file, read(file), topLevel));

    // Assess
    expect(files).toEqual(expect.arrayContaining(['README.md', 'bench/README.md', 'docs/configuration.md']));
    expect(problems).toEqual([]);
  });

  it('has every README section the code sends people to', () => {
    // Prepare
    const sources = ['functions', 'lib', 'local'].flatMap((dir) => typeScriptFiles(path.join(ROOT, dir)));

    // Act
    const cited = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/README, "([^"]+)"/g)].map(([, section = '']) => section),
    );

    // Assess
    expect(cited).toContain('Deploy');
    const slugs = headingSlugs(read('README.md'));
    for (const section of new Set(cited)) {
      expect(slugs, `README section "${section}"`).toContain([...headingSlugs(`## ${section}`)][0]);
    }
  });
});

describe('brokenReferences', () => {
  it('reports a link to a missing file, a missing heading, and a cited path or document that is not there', () => {
    // Prepare
    const root = mkdtempSync(path.join(tmpdir(), 'docs-links-'));
    mkdirSync(path.join(root, 'docs'));
    mkdirSync(path.join(root, 'lib'));
    writeFileSync(path.join(root, 'lib', 'app.ts'), '');
    writeFileSync(path.join(root, 'docs', 'guide.md'), '# Guide\n\n## Stack settings (CDK context)\n');
    const markdown = [
      '# Read me',
      '[guide](docs/guide.md#stack-settings-cdk-context) [top](#read-me) [site](https://example.com/x.md)',
      '`lib/app.ts` `zod/mini` `request.json`',
      '[gone](docs/gone.md) [no heading](docs/guide.md#deploy) [here](#nowhere)',
      '`lib/old.ts` and STYLE.md',
      '```sh',
      '[in a code block](nowhere.md) lib/ignored.ts',
      '```',
    ].join('\n');

    // Act
    const problems = brokenReferences(root, 'README.md', markdown, topLevelEntriesOf(root));
    rmSync(root, { recursive: true });

    // Assess
    expect(problems).toEqual([
      'README.md: link to docs/gone.md: no such file',
      'README.md: link to docs/guide.md#deploy: no heading #deploy in docs/guide.md',
      'README.md: link to #nowhere: no such heading',
      'README.md: cites lib/old.ts: not in the repository',
      'README.md: names STYLE.md: not in the repository',
    ]);
  });
});

describe('headingSlugs', () => {
  it('anchors headings as GitHub does', () => {
    // Prepare / Act
    const slugs = headingSlugs(
      [
        '## Stack settings (CDK context)',
        '## Dependencies, and what each is for',
        '### `npm start` on [your machine](x.md)',
        '## Failure modes',
        '## Failure modes',
        '## completed_with_errors — 2×',
      ].join('\n'),
    );

    // Assess
    expect([...slugs]).toEqual([
      'stack-settings-cdk-context',
      'dependencies-and-what-each-is-for',
      'npm-start-on-your-machine',
      'failure-modes',
      'failure-modes-1',
      'completed_with_errors--2',
    ]);
  });
});

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return typeScriptFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** A fixture has no .gitignore: every entry counts. */
function topLevelEntriesOf(root: string): Set<string> {
  return new Set(readdirSync(root));
}
