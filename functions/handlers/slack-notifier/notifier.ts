// Posts each alert that SNS hands the Slack notifier to the Slack channel's incoming webhook.
// It stays in the handler, not a use case in app/ behind a port: it decides nothing of its own (read the message,
// skip one already posted, post it), so it uses the Slack webhook adapter directly, as a handler may.
import type { SNSEvent } from 'aws-lambda';
import type { PostLedger } from '../../adapters/dynamodb/post-ledger.js';
import { type PostToSlackOptions, postToSlack } from '../../adapters/slack/webhook.js';
import { parseStructuredMessage } from '../../contracts/structured-message.js';
import { foreignMarkup } from '../../render/slack/foreign-markup.js';

/** The little of Powertools' Logger the notifier needs. */
export interface NotifierLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface SlackNotifierDeps {
  logger: NotifierLogger;
  /** Resolves the webhook URL; the URL is a secret and is never logged. */
  getWebhookUrl: () => Promise<string>;
  /** Alerts already posted: a message SNS (or the poller, after a crash) delivers twice is posted once. */
  ledger: PostLedger;
  now?: () => Date;
  fetch?: PostToSlackOptions['fetch'];
  sleep?: PostToSlackOptions['sleep'];
}

/**
 * Returns the per-invocation logic: for each SNS record, read the structured alert and post its Slack message.
 * @throws the first error met (bad message, secret, Slack refusal), after logging it, so that Lambda's retries
 *   and failure destination see it.
 */
export function createSlackNotifier(
  deps: SlackNotifierDeps,
): (event: SNSEvent, signal?: AbortSignal) => Promise<void> {
  return async (event, signal) => {
    for (const record of event.Records) {
      let context: Record<string, unknown> = { snsMessageId: record.Sns.MessageId };
      try {
        // A combined message is posted once, under its own id, like any other.
        const { alertId, kind, companyId, reasons, slack } = parseStructuredMessage(record.Sns.Message);
        context = { ...context, alertId, kind, companyId, reasons };
        // Only the poller may publish (the topic policy); a message the renderers could not have made is refused
        // all the same, so that no link or mention reaches the channel under the alerter's name.
        const foreign = foreignMarkup(slack);
        if (foreign.length > 0) {
          throw new Error(`Refused: not a Slack message of the alerter (${foreign.join('; ')})`);
        }
        if (await deps.ledger.delivered(alertId)) {
          deps.logger.info('Alert was posted to Slack already; skipping the repeat', context);
          continue;
        }
        const webhookUrl = await deps.getWebhookUrl();
        await postToSlack(webhookUrl, slack, { fetch: deps.fetch, sleep: deps.sleep, signal });
        await deps.ledger.record(alertId, (deps.now ?? (() => new Date()))());
        deps.logger.info('Posted alert to Slack', context);
      } catch (error) {
        deps.logger.error('Could not post alert to Slack', { ...context, error });
        throw error;
      }
    }
  };
}
