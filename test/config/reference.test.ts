import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_PATH,
  readSettingDocs,
  referenceTables,
  withTables,
} from '../../scripts/config-reference.js';

describe('The configuration reference (docs/configuration.md)', () => {
  it('has the settings tables the definitions generate (`npm run docs:config` writes them)', () => {
    // Prepare
    const current = readFileSync(REFERENCE_PATH, 'utf8');

    // Act
    const generated = withTables(current, referenceTables());

    // Assess
    expect(current, 'docs/configuration.md differs from the settings: run `npm run docs:config`').toBe(
      generated,
    );
  });

  it('cannot be generated while a setting has no doc comment', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), 'settings-'));
    const file = path.join(dir, 'settings.ts');
    await writeFile(
      file,
      [
        'export const SETTINGS = {',
        '  /** documented */',
        "  documented: setting(wholeNumber(1, 9), { env: 'DOCUMENTED', default: 1 }),",
        "  undocumented: setting(wholeNumber(1, 9), { env: 'UNDOCUMENTED', default: 1 }),",
        '};',
      ].join('\n'),
    );

    // Act
    const attempt = () => readSettingDocs([file]);

    // Assess
    expect(attempt).toThrow('setting "undocumented" has no doc comment');
    await rm(dir, { recursive: true });
  });

  it('reads the range of a whole number from its rule', () => {
    expect(referenceTables().context).toContain('| `lookbackDays` | `7` (1–90) | `LOOKBACK_DAYS` |');
  });

  it('fails when a block the tables fill is missing from the document', () => {
    expect(() => withTables('# Configuration\n', referenceTables())).toThrow(
      'no block for the settings tables',
    );
  });
});
