// Slack notifier Lambda: subscribed to the alert topic, posts each alert to a Slack incoming webhook.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { SLACK_CHANNEL } from '../../adapters/dynamodb/partitions.js';
import { DynamoPostLedger } from '../../adapters/dynamodb/post-ledger.js';
import { secretsManagerReader } from '../../adapters/secrets/secret-reader.js';
import { webhookUrlFromSecret } from '../../adapters/slack/webhook-url.js';
import { parseSlackNotifierConfig } from '../../config/slack-notifier.js';
import { mapStackTracesOnDemand } from '../../shared/stack-traces.js';
import { createSlackNotifier, type SlackNotifierDeps } from './notifier.js';

mapStackTracesOnDemand(import.meta.url);

const logger = new Logger();

/** The middy-wrapped handler around injected dependencies (tests pass stubs; Lambda uses `handler`). */
export function createHandler(deps: Omit<SlackNotifierDeps, 'logger'> & { logger?: Logger }) {
  const log = deps.logger ?? logger;
  const notify = createSlackNotifier({ ...deps, logger: log });
  return middy(async (event: SNSEvent, _context: Context, { signal }: { signal: AbortSignal }) =>
    notify(event, signal),
  ).use(injectLambdaContext(log));
}

const config = parseSlackNotifierConfig(process.env);

export const handler = createHandler({
  ledger: new DynamoPostLedger(
    DynamoDBDocumentClient.from(new DynamoDBClient({})),
    config.tableName,
    SLACK_CHANNEL,
  ),
  getWebhookUrl: webhookUrlFromSecret(config.webhookSecretArn, secretsManagerReader()),
});
