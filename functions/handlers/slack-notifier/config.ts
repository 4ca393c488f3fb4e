// The Slack notifier's environment, parsed once at cold start: a bad value fails fast, naming the variable.
import * as z from 'zod/mini';

const configSchema = z.object({
  SLACK_WEBHOOK_SECRET_ARN: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .check(
      z.regex(
        /^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:.+$/,
        'must be a Secrets Manager secret ARN',
      ),
    ),
  TABLE_NAME: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .check(z.minLength(3, 'must be a DynamoDB table name')),
});

export type SlackNotifierConfig = z.infer<typeof configSchema>;

/** @throws Error naming each missing or invalid variable. */
export function loadSlackNotifierConfig(env: Record<string, string | undefined>): SlackNotifierConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  throw new Error(`Invalid Slack notifier configuration: ${problems.join('; ')}`);
}
