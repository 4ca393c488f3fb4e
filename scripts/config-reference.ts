// docs/configuration.md's settings tables, generated from the settings' definitions: names, defaults and which
// side sets what from the definitions themselves, descriptions from their doc comments, ranges from their
// `wholeNumber(min, max)` rules. `npm run docs:config` rewrites the tables; test/config/reference.test.ts fails
// while they differ from the definitions.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ACTIONS_SETTINGS } from '../functions/config/actions.js';
import { DISPATCHER_SETTINGS } from '../functions/config/dispatcher.js';
import { POLLER_SETTINGS } from '../functions/config/poller.js';
import type { Setting, Settings } from '../functions/config/setting.js';
import { SLACK_NOTIFIER_SETTINGS } from '../functions/config/slack-notifier.js';
import { CONTEXT_SETTINGS } from '../lib/config.js';

const ROOT = path.join(import.meta.dirname, '..');
export const REFERENCE_PATH = path.join(ROOT, 'docs', 'configuration.md');
/** Where settings are defined: each `setting(…)` call in them is documented by its doc comment. */
const DEFINITION_FILES = [
  'functions/config/poller.ts',
  'functions/config/slack-notifier.ts',
  'functions/config/actions.ts',
  'functions/config/action-links.ts',
  'functions/config/dispatcher.ts',
  'functions/config/table.ts',
  'lib/settings.ts',
];

/** What a setting's doc comment says: the description, and the tags the tables read. */
export interface SettingDoc {
  description: string;
  /** Shown instead of the default value (e.g. "a new empty secret"). */
  default?: string;
  /** How the stack sets a variable no context key carries. */
  stack?: string;
  /** The variable the stack derives from a stack setting. */
  sets?: string;
  /** What the variable adds to the context key it carries. */
  env?: string;
  /** From the rule `wholeNumber(min, max)`. */
  range?: string;
}

/** The doc comments of every `setting(…)` in the definition files (relative to the repository, or absolute), by setting name. */
export function readSettingDocs(files = DEFINITION_FILES): Map<string, SettingDoc> {
  const docs = new Map<string, SettingDoc>();
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(path.resolve(ROOT, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.getText() === 'setting') {
        const owner = node.parent;
        const named = ts.isPropertyAssignment(owner) || ts.isVariableDeclaration(owner) ? owner : undefined;
        if (!named) throw new Error(`${file}: a setting(…) that is not a property or a variable`);
        const name = named.name.getText();
        const [jsDoc] = ts.getJSDocCommentsAndTags(named).filter(ts.isJSDoc);
        const description = ts.getTextOfJSDocComment(jsDoc?.comment)?.replace(/\s+/g, ' ').trim();
        if (!jsDoc || !description) throw new Error(`${file}: setting "${name}" has no doc comment`);
        const doc: SettingDoc = { description };
        for (const tag of jsDoc.tags ?? []) {
          const key = tag.tagName.text;
          if (key === 'default' || key === 'stack' || key === 'sets' || key === 'env') {
            doc[key] = ts.getTextOfJSDocComment(tag.comment)?.replace(/\s+/g, ' ').trim();
          }
        }
        const [rule] = node.arguments;
        if (rule && ts.isCallExpression(rule) && rule.expression.getText() === 'wholeNumber') {
          const [min, max] = rule.arguments.map((argument) => Number(argument.getText().replaceAll('_', '')));
          doc.range = `${min}–${max}`;
        }
        if (docs.has(name)) throw new Error(`${file}: a second setting named "${name}"`);
        docs.set(name, doc);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return docs;
}

const code = (text: string) => `\`${text}\``;
const shown = (value: unknown) => code(typeof value === 'string' ? value : JSON.stringify(value));
/** The default, and the range a whole number may take. */
const withRange = (defaultText: string, doc: SettingDoc) =>
  doc.range ? `${defaultText} (${doc.range})` : defaultText;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function docOf(docs: Map<string, SettingDoc>, name: string): SettingDoc {
  const doc = docs.get(name);
  if (!doc)
    throw new Error(`setting "${name}" is not defined by a setting(…) in ${DEFINITION_FILES.join(', ')}`);
  return doc;
}

export function contextTable(settings: Settings, docs: Map<string, SettingDoc>): string {
  return table(
    ['Key', 'Default', 'Sets', 'Meaning'],
    Object.entries(settings).map(([name, setting]) => {
      const doc = docOf(docs, name);
      return [
        code(name),
        withRange(doc.default ?? (setting.default === undefined ? '—' : shown(setting.default)), doc),
        setting.env ? code(setting.env) : (doc.sets ?? '—'),
        doc.description,
      ];
    }),
  );
}

export function environmentTable(settings: Settings, docs: Map<string, SettingDoc>): string {
  const defaultOf = (setting: Setting, doc: SettingDoc) =>
    setting.required
      ? 'required'
      : (doc.default ?? (setting.default === undefined ? '—' : shown(setting.default)));
  return table(
    ['Variable', 'Default', 'Set by the stack from', 'Meaning'],
    Object.entries(settings).flatMap(([name, setting]) => {
      if (!setting.env) return [];
      const doc = docOf(docs, name);
      return [
        [
          code(setting.env),
          withRange(defaultOf(setting, doc), doc),
          setting.context ? code(name) : (doc.stack ?? '—'),
          setting.context ? `as ${code(name)}${doc.env ? `; ${doc.env}` : ''}` : doc.description,
        ],
      ];
    }),
  );
}

/** The generated tables, by the name of the marked block they fill. */
export function referenceTables(docs = readSettingDocs()) {
  return {
    context: contextTable(CONTEXT_SETTINGS, docs),
    poller: environmentTable(POLLER_SETTINGS, docs),
    'slack-notifier': environmentTable(SLACK_NOTIFIER_SETTINGS, docs),
    actions: environmentTable(ACTIONS_SETTINGS, docs),
    dispatcher: environmentTable(DISPATCHER_SETTINGS, docs),
  };
}

/**
 * The document with each block between `<!-- settings: NAME -->` and `<!-- end settings -->` replaced by its table.
 * @throws when a table has no block, or a block no table.
 */
export function withTables(markdown: string, tables: Record<string, string>): string {
  const filled = new Set<string>();
  const result = markdown.replace(
    /(<!-- settings: ([\w-]+) -->\n)[\s\S]*?(<!-- end settings -->)/g,
    (_block, start: string, name: string, end: string) => {
      const tableText = tables[name];
      if (tableText === undefined) throw new Error(`no settings table "${name}"`);
      filled.add(name);
      return `${start}${tableText}\n${end}`;
    },
  );
  const missing = Object.keys(tables).filter((name) => !filled.has(name));
  if (missing.length > 0) throw new Error(`no block for the settings tables ${missing.join(', ')}`);
  return result;
}

if (import.meta.main) {
  const current = readFileSync(REFERENCE_PATH, 'utf8');
  const updated = withTables(current, referenceTables());
  if (updated !== current) writeFileSync(REFERENCE_PATH, updated);
  process.stdout.write(
    `${path.relative(ROOT, REFERENCE_PATH)}: ${updated === current ? 'up to date' : 'updated'}\n`,
  );
}
