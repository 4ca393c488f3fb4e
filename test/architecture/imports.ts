// The architecture's rules, checked on the import graph of functions/ and cli/ (read with TypeScript's own pre-processor:
// static, type-only, dynamic imports and re-exports alike), plus a grep for what an import cannot show.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One source file: its path from the repository root (functions/…) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** What one import is: a file of the repository (its path from the root) or a package (its name). */
type Target = { file: string } | { pkg: string };

const CORE = ['domain', 'render', 'app', 'contracts'];
const PURE = ['domain', 'render'];
/** What the pure layers may not use: AWS, Powertools, HTTP, sockets. */
const IO_PACKAGE =
  /^(@aws-sdk\/|@aws-lambda-powertools\/|@middy\/|undici$|node:(http|https|http2|net|tls|dgram|dns)$)/;
const OUTSIDE_FUNCTIONS = ['lib/', 'local/', 'bench/', 'test/', 'cli/'];
/** What the CLI may not use: the CDK app, the benchmark and the tests are not part of the command. */
const OUTSIDE_CLI = ['lib/', 'bench/', 'test/'];

/** Every rule the sources break, one line each (empty when the architecture holds). */
export function architectureViolations(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const layer = layerOf(file.path);
    for (const target of importsOf(file)) {
      const says = (rule: string) =>
        problems.push(`${file.path} imports ${'file' in target ? target.file : target.pkg}: ${rule}`);
      if ('file' in target && file.path.startsWith('cli/')) {
        if (OUTSIDE_CLI.some((dir) => target.file.startsWith(dir)))
          says('cli/ never imports lib/, bench/ or test/');
      } else if ('file' in target) {
        const to = layerOf(target.file);
        if (OUTSIDE_FUNCTIONS.some((dir) => target.file.startsWith(dir))) {
          says('functions/ never imports lib/, local/, bench/, test/ or cli/');
        } else if (CORE.includes(layer.name) && (to.name === 'adapters' || to.name === 'handlers')) {
          says('the core (domain, render, app, contracts) never imports an adapter or a handler');
        } else if (layer.name === 'adapters' && to.name === 'adapters' && layer.part !== to.part) {
          says('an adapter never imports another adapter');
        } else if (layer.name === 'shared' && to.name !== 'shared') {
          says('shared/ is used by every layer and uses none');
        }
      } else if (PURE.includes(layer.name) && IO_PACKAGE.test(target.pkg)) {
        says('domain/ and render/ do no I/O: no AWS SDK, no HTTP');
      }
    }
    if (PURE.includes(layer.name)) {
      const code = withoutComments(file.text);
      if (/\bprocess\.env\b/.test(code))
        problems.push(`${file.path} reads process.env: domain/ and render/ are given their settings`);
      if (/\bfetch\s*\(/.test(code)) problems.push(`${file.path} calls fetch: domain/ and render/ do no I/O`);
    }
  }
  return problems;
}

/** The sources under functions/ and cli/ as they are on disk. */
export function functionsSources(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ts'))
        files.push({ path: relative, text: readFileSync(path.join(root, relative), 'utf8') });
    }
  };
  walk('functions');
  walk('cli');
  return files;
}

function importsOf(file: SourceFile): Target[] {
  const { importedFiles } = ts.preProcessFile(file.text, true, true);
  return importedFiles.map(({ fileName }) =>
    fileName.startsWith('.')
      ? {
          file: path.posix
            .normalize(path.posix.join(path.posix.dirname(file.path), fileName))
            .replace(/\.js$/, '.ts'),
        }
      : { pkg: fileName },
  );
}

/** functions/<name>/<part>/…: the layer, and for adapters and handlers which one. */
function layerOf(filePath: string): { name: string; part: string } {
  const [root, name = '', part = ''] = filePath.split('/');
  return root === 'functions' ? { name, part } : { name: root ?? '', part: '' };
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}
