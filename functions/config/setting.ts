// What a setting is, and how settings are read. Each setting is defined once (functions/config/poller.ts,
// slack-notifier.ts; the stack's own in lib/settings.ts): the functions read it from its environment variable, the
// CDK app from its context key, and docs/configuration.md is generated from the definitions. Descriptions are the
// definitions' doc comments, read by the generator: as strings they would ship in the Lambda bundle.
import * as z from 'zod/mini';
import '../shared/zod-english.js';

/** Checks a value and turns it into the setting's value: from text (an environment variable, `-c key=value`) or JSON (cdk.json). */
export type Rule<T> = z.core.$ZodType<T>;

export interface Setting<T = unknown> {
  readonly rule: Rule<T>;
  /** The value when it is not set. */
  readonly default?: T;
  /** The environment variable the functions read it from. */
  readonly env?: string;
  /** Unset in the environment is an error (the stack always sets it; its default is the deployers'). */
  readonly required?: true;
  /** Deployers set it too, as the CDK context key of the setting's name; the stack passes it on in `env`. */
  readonly context?: true;
}

export type Settings = Readonly<Record<string, Setting>>;

/** Defines a setting; `default` is checked against the rule's type (read-only: a literal list or object). */
export const setting = <T, const S extends Omit<Setting<T>, 'rule' | 'default'> & { default?: Readonly<T> }>(
  rule: Rule<T>,
  options: S,
) => ({
  rule,
  ...options,
});

type ValueOf<S> =
  S extends Setting<infer T>
    ? S extends { default: unknown } | { required: true }
      ? T
      : T | undefined
    : never;

/** The values of some settings, by setting name. */
export type Values<S extends Settings> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** What is wrong, where: the setting, and within its value (an item of a list, a field). */
export interface Issue<Name extends string = string> {
  setting: Name;
  path?: readonly PropertyKey[];
  message: string;
}

/** A rule across settings, checked once each setting is valid. */
export type Check<S extends Settings> = (
  values: Values<S>,
  report: (issue: Issue<keyof S & string>) => void,
) => void;

/**
 * Reads each setting `read` gives a value for (undefined: unset, so the default), then the checks across settings.
 * @param requireRequired whether a `required` setting must be given: in the environment, not in the context.
 */
export function parseSettings<S extends Settings>(
  settings: S,
  read: (name: keyof S & string, setting: Setting) => unknown,
  options: { requireRequired: boolean; checks?: readonly Check<S>[] },
): { values: Values<S>; issues: Issue<keyof S & string>[] } {
  const values: Record<string, unknown> = {};
  const issues: Issue<keyof S & string>[] = [];
  for (const [name, definition] of Object.entries(settings) as Array<[keyof S & string, Setting]>) {
    const given = read(name, definition);
    if (given === undefined) {
      if (definition.required && options.requireRequired)
        issues.push({ setting: name, message: 'is required' });
      values[name] = definition.default;
      continue;
    }
    const result = z.safeParse(definition.rule, given);
    if (result.success) values[name] = result.data;
    else issues.push(...result.error.issues.map(({ path, message }) => ({ setting: name, path, message })));
  }
  if (issues.length === 0) {
    for (const check of options.checks ?? []) check(values as Values<S>, (issue) => issues.push(issue));
  }
  return { values: values as Values<S>, issues };
}

/** Thrown at start when the environment is wrong; the message names each bad variable, never its secret value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The settings read from the environment: those with a variable. */
type EnvSettings<S extends Settings> = {
  [K in keyof S as S[K] extends { env: string } ? K : never]: S[K];
};

/**
 * Reads the settings that have an environment variable from `env`: unset takes the default, an empty value is a
 * value (and usually a wrong one).
 * @param what names the configuration in the error: "Invalid <what> configuration".
 * @throws {ConfigError} naming every bad variable, with what is wrong with it.
 */
export function loadEnvironment<S extends Settings>(
  what: string,
  settings: S,
  env: Env,
  checks: readonly Check<S>[] = [],
): Values<S> {
  const { values, issues } = parseSettings(
    settings,
    (_name, { env: variable }) => variable && env[variable],
    {
      requireRequired: true,
      checks,
    },
  );
  if (issues.length === 0) return values;
  const problems = issues.map(
    ({ setting, path = [], message }) => `${[settings[setting]?.env, ...path].join('.')}: ${message}`,
  );
  throw new ConfigError(`Invalid ${what} configuration: ${problems.join('; ')}`);
}

/** The variable names of settings, each under its own name: `ENV.TABLE_NAME`. */
export type EnvNames<S extends Settings> = {
  readonly [K in keyof EnvSettings<S> as EnvSettings<S>[K]['env'] & string]: EnvSettings<S>[K]['env'] &
    string;
};

export function envNames<S extends Settings>(settings: S): EnvNames<S> {
  const names = Object.values(settings).flatMap(({ env }) => (env ? [[env, env]] : []));
  return Object.fromEntries(names) as EnvNames<S>;
}

/** The settings deployers set as CDK context keys. */
export type ContextSettings<S extends Settings> = {
  [K in keyof S as S[K] extends { context: true } ? K : never]: S[K];
};

export function contextSettings<S extends Settings>(settings: S): ContextSettings<S> {
  return Object.fromEntries(
    Object.entries(settings).filter(([, { context }]) => context),
  ) as ContextSettings<S>;
}

/**
 * The environment that gives a function these values: each setting's variable, as text its rule reads back (strings
 * as they are, anything else as JSON). Names that are not settings read from the environment are left out.
 */
export function environmentOf<S extends Settings>(
  settings: S,
  values: Partial<Values<S>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).flatMap(([name, { env }]) => {
      const value: unknown = values[name];
      if (!env || value === undefined) return [];
      return [[env, typeof value === 'string' ? value : JSON.stringify(value)]];
    }),
  );
}
