// The logLevel setting as the deployed functions live it: the template's environment plus what Lambda adds for the
// function's logging configuration, read by the same Powertools Logger the functions build.
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { NO_BUNDLING, SYNTH_TIMEOUT_MS, synthesize } from './synth.js';

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, FATAL: 24 } as const;
type Level = keyof typeof LEVELS;

const functionSchema = z.object({
  Properties: z.object({
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
    LoggingConfig: z
      .object({
        LogFormat: z.string().optional(),
        ApplicationLogLevel: z.enum(Object.keys(LEVELS)).optional(),
      })
      .optional(),
  }),
});

/**
 * Lambda's side of a function's logs. With the JSON log format it filters application log lines by their "level"
 * (a line without one, such as a metric line, counts as INFO), its application log level defaults to INFO when
 * none is set, and it hands that level to the code as AWS_LAMBDA_LOG_LEVEL. With the text format it filters
 * nothing and sets no level.
 */
function lambdaSide(fn: z.infer<typeof functionSchema>): {
  env: Record<string, string>;
  passes: (l: Level) => boolean;
} {
  const { LogFormat = 'Text', ApplicationLogLevel } = fn.Properties.LoggingConfig ?? {};
  const env = Object.fromEntries(
    Object.entries(fn.Properties.Environment.Variables).map(([k, v]) => [k, String(v)]),
  );
  if (LogFormat !== 'JSON') return { env, passes: () => true };
  const alc = (ApplicationLogLevel ?? 'INFO') as Level;
  return {
    env: { ...env, AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: alc },
    passes: (level) => LEVELS[level] >= LEVELS[alc],
  };
}

describe.each(['DEBUG', 'INFO', 'WARN', 'ERROR'] as const)('logLevel %s, as deployed', (logLevel) => {
  let functions: z.infer<typeof functionSchema>[];

  beforeAll(() => {
    const { template } = synthesize({
      ...NO_BUNDLING,
      logLevel,
      slackEnabled: true,
      alertEmails: 'ops@example.com',
    });
    functions = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }),
    ).map((fn) => functionSchema.parse(fn));
    // The poller, the dispatcher and the Slack notifier.
    expect(functions).toHaveLength(3);
  }, SYNTH_TIMEOUT_MS);

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it(`logs at ${logLevel} in every function, and Lambda keeps those lines and the metric lines (no level: INFO)`, () => {
    for (const fn of functions) {
      const lambda = lambdaSide(fn);
      vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', undefined);
      for (const [key, value] of Object.entries(lambda.env)) vi.stubEnv(key, value);
      expect(new Logger().getLevelName()).toBe(logLevel);
      expect(lambda.passes(logLevel)).toBe(true);
      expect(lambda.passes('INFO')).toBe(true);
    }
  });
});
