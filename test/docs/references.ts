// Finds the references in a Markdown document that point nowhere: relative links to missing files or headings,
// and repository paths cited in code spans (`functions/app/poll.ts`) or by name (STYLE.md) that do not exist.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Headings as GitHub anchors them: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = plainText(heading)
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const repeats = seen.get(base) ?? 0;
    seen.set(base, repeats + 1);
    slugs.add(repeats === 0 ? base : `${base}-${repeats}`);
  }
  return slugs;
}

/** Repository-relative Markdown files whose references are checked. */
export function documentationFiles(root: string): string[] {
  const docs = existsSync(path.join(root, 'docs'))
    ? readdirSync(path.join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs, 'bench/README.md'].filter((file) => existsSync(path.join(root, file)));
}

/**
 * What in `file` (repository-relative) points at nothing under `root`, one line each; empty when all resolve.
 * `topLevel` names the repository's top-level entries: a code span starting with one of them is a cited path.
 */
export function brokenReferences(
  root: string,
  file: string,
  markdown: string,
  topLevel: Set<string>,
): string[] {
  const problems: string[] = [];
  const dir = path.dirname(path.join(root, file));
  const lines = proseLines(markdown);
  const prose = lines.map((line) => line.replace(/`[^`]*`/g, '')).join('\n');

  for (const [, target = ''] of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [pathPart = '', anchor] = target.split('#', 2);
    if (pathPart === '') {
      if (!headingSlugs(markdown).has(anchor ?? ''))
        problems.push(`${file}: link to ${target}: no such heading`);
      continue;
    }
    const resolved = path.resolve(dir, decodeURI(pathPart));
    if (!resolved.startsWith(root) || !existsSync(resolved)) {
      problems.push(`${file}: link to ${target}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      problems.push(`${file}: link to ${target}: an anchor into something that is not a Markdown file`);
    } else if (!headingSlugs(readFileSync(resolved, 'utf8')).has(anchor)) {
      problems.push(`${file}: link to ${target}: no heading #${anchor} in ${path.relative(root, resolved)}`);
    }
  }

  for (const line of lines) {
    for (const [, span = ''] of line.matchAll(/`([^`]+)`/g)) {
      for (const token of span.split(/\s+/)) {
        const cited = /^[\w.-]+(?:\/[\w.-]+)*\/?$/.test(token) && topLevel.has(token.split('/')[0] ?? '');
        if (cited && !existsSync(path.join(root, token))) {
          problems.push(`${file}: cites ${token}: not in the repository`);
        }
      }
    }
  }

  // A document named in prose (DESIGN.md, STYLE.md) must be one the repository has, from the root or from here.
  const withoutLinkTargets = prose.replace(/\]\([^)]*\)/g, ']');
  for (const [name = ''] of withoutLinkTargets.matchAll(
    /(?<![\w./#-])[\w.-]+(?:\/[\w.-]+)*\.md\b(?![\w/-])/g,
  )) {
    if (!existsSync(path.join(root, name)) && !existsSync(path.resolve(dir, name))) {
      problems.push(`${file}: names ${name}: not in the repository`);
    }
  }
  return problems;
}

/** The repository's top-level files and folders, without what git ignores. */
export function topLevelEntries(root: string): Set<string> {
  const ignored = new Set(
    readFileSync(path.join(root, '.gitignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim().replace(/\/$/, ''))
      .filter((line) => line !== '' && !line.includes('*')),
  );
  return new Set(readdirSync(root).filter((name) => name !== '.git' && !ignored.has(name)));
}

/** The lines outside fenced code blocks. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** Heading text as GitHub renders it: link texts and code spans kept, their markup dropped. */
function plainText(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*{1,3}([^*]+)\*{1,3}/g, '$1');
}
