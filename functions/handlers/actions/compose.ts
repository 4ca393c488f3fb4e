// Builds the actions endpoint from configuration and runtime clients. The Lambda handler and `npm start` both use
// it, so a click is handled locally by the very code that handles it in AWS.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertState } from '../../adapters/dynamodb/alert-state.js';
import { DynamoControlStore } from '../../adapters/dynamodb/controls.js';
import { DynamoOnceLedger } from '../../adapters/dynamodb/once-ledger.js';
import { PleoExportRetrier } from '../../adapters/pleo/export-retry.js';
import type { SecretReader } from '../../adapters/secrets/secret-reader.js';
import { postToSlack } from '../../adapters/slack/webhook.js';
import type { ExportRetrier, Log } from '../../app/ports.js';
import type { ActionsConfig } from '../../config/actions.js';
import { type ActionsEndpointDeps, createActionsEndpoint } from './endpoint.js';

export interface ActionsRuntime {
  dynamo: DynamoDBDocumentClient;
  readSecret: SecretReader;
  log: Log;
  /** The time actions are recorded at, and links expire by (`npm start` runs the demo's faster time). */
  clock?: () => Date;
  /** The time Slack stamps its requests with: the real time, whatever the demo's. */
  slackClock?: () => Date;
  /** Slack's response_url is posted to with it; tests pass a stand-in. */
  fetch?: typeof globalThis.fetch;
}

/** Slack wants its answer within 3 s: the message's update gets one short try (the action is done by then). */
const UPDATE_TIMEOUT_MS = 1_500;
/** Slack's response_url is on this host; a click naming another one is not followed. */
const RESPONSE_URL_HOST = 'hooks.slack.com';
/** The actions read groups to find the open one; job records they never write. */
const UNUSED_RETENTION_DAYS = 1;

export function actionsDeps(config: ActionsConfig, runtime: ActionsRuntime): ActionsEndpointDeps {
  const now = runtime.clock ?? (() => new Date());
  const controls = new DynamoControlStore(runtime.dynamo, config.tableName);
  const once = new DynamoOnceLedger(runtime.dynamo, config.tableName);
  const retryKey = async () =>
    config.retryKey ??
    (config.retryKeySecretArn === undefined ? undefined : await runtime.readSecret(config.retryKeySecretArn));
  // The stack's own connection retries with the stack's retry key; a connection's own key is not one that exports.
  const retrier = (connection: string | undefined) =>
    connection === undefined && (config.retryKey ?? config.retryKeySecretArn) !== undefined
      ? lazyRetrier(config.pleoApiUrl, retryKey, runtime.fetch)
      : undefined;
  return {
    slackSigningSecret: async () =>
      config.slackSigningSecret ??
      (config.slackSigningSecretArn === undefined
        ? undefined
        : await runtime.readSecret(config.slackSigningSecretArn)),
    slackTeamId: config.slackTeamId,
    emailLinkKey: async () =>
      config.emailLinkKey ??
      (config.emailLinkKeySecretArn === undefined
        ? undefined
        : await runtime.readSecret(config.emailLinkKeySecretArn)),
    once,
    controls: (target) => ({
      once,
      retrier: retrier(target.connection),
      controls,
      history: new DynamoAlertState(runtime.dynamo, {
        tableName: config.tableName,
        retentionDays: UNUSED_RETENTION_DAYS,
        connection: target.connection,
      }),
      // Buttons and links name companies by id; the groups know their names.
      companies: { companies: async () => [] },
      now,
    }),
    updateMessage: async (responseUrl, post, replaceOriginal) => {
      if (new URL(responseUrl).hostname !== RESPONSE_URL_HOST) {
        throw new Error(`the click's response_url is not on ${RESPONSE_URL_HOST}`);
      }
      await postToSlack(responseUrl, post, {
        fetch: runtime.fetch,
        maxRetries: 0,
        requestTimeoutMs: UPDATE_TIMEOUT_MS,
        replaceOriginal,
      });
    },
    log: runtime.log,
    now,
    slackNow: runtime.slackClock ?? (() => new Date()),
  };
}

export const createActions = (config: ActionsConfig, runtime: ActionsRuntime) =>
  createActionsEndpoint(actionsDeps(config, runtime));

/** A retrier that reads its key when a retry is asked for; an empty secret says so, naming no value. */
function lazyRetrier(
  baseUrl: string,
  key: () => Promise<string | undefined>,
  fetch: typeof globalThis.fetch | undefined,
): ExportRetrier {
  const retrier = async () => {
    const apiKey = await key();
    if (apiKey === undefined)
      throw new Error('The Pleo retry key secret is empty: put the key with export-jobs:write in it');
    return new PleoExportRetrier({ baseUrl, credential: { kind: 'apiKey', apiKey }, fetch });
  };
  return {
    failedEntries: async (jobs, reason) => (await retrier()).failedEntries(jobs, reason),
    createExportJob: async (companyId, entries) => (await retrier()).createExportJob(companyId, entries),
  };
}
