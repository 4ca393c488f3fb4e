// Stack traces that point into the TypeScript sources, paid for only when one is printed. Node's
// --enable-source-maps reads and parses a bundle's whole source map while the bundle loads: 3–4 ms of every cold
// start (bench/README.md). This reads a file's map the first time a stack trace with a frame in it is formatted,
// which a run without errors never does, and otherwise formats frames as Node does with the flag: minified names,
// original places.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Maps the frames of the bundle `moduleUrl` belongs to (pass `import.meta.url` from its entry): the entry and the
 * chunks beside it, each through the source map beside it. Does nothing where the entry has no map (TypeScript run
 * by tsx or vitest) or Node maps stack traces itself.
 */
export function mapStackTracesOnDemand(moduleUrl: string): void {
  if (!moduleUrl.startsWith('file:') || process.sourceMapsEnabled) return;
  if (!existsSync(`${fileURLToPath(moduleUrl)}.map`)) return;
  const bundleDir = new URL('.', moduleUrl).href;

  const sourceMaps = new Map<string, SourceMap | null>();
  const sourceMapOf = (fileUrl: string): SourceMap | null => {
    let sourceMap = sourceMaps.get(fileUrl);
    if (sourceMap === undefined) {
      try {
        sourceMap = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(fileUrl)}.map`, 'utf8')));
      } catch {
        sourceMap = null; // A missing or broken map leaves traces as they are; it must not break error handling.
      }
      sourceMaps.set(fileUrl, sourceMap);
    }
    return sourceMap;
  };

  const originalPlace = (site: NodeJS.CallSite): string | undefined => {
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file?.startsWith(bundleDir) || line === null || column === null) return undefined;
    const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry)) return undefined;
    const source = fileURLToPath(new URL(entry.originalSource, file));
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  };

  // Node's own formatting (or V8's, where Node has none) with the bundle's places swapped for the original ones.
  const format =
    Error.prepareStackTrace ??
    ((error: Error, callSites: NodeJS.CallSite[]) =>
      [Error.prototype.toString.call(error), ...callSites].join('\n    at '));
  Error.prepareStackTrace = (error, callSites) => {
    const stack: unknown = format(error, callSites);
    if (typeof stack !== 'string') return stack;
    let mapped = stack;
    for (const site of callSites) {
      const place = originalPlace(site);
      if (place === undefined) continue;
      mapped = mapped.replace(
        `${site.getFileName()}:${site.getLineNumber()}:${site.getColumnNumber()}`,
        () => place,
      );
    }
    return mapped;
  };
}
