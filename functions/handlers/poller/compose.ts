// Builds a poll from configuration and runtime clients. The Lambda handler and `npm start` both use it,
// so the local run is the very code that runs in AWS.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertState } from '../../adapters/dynamodb/alert-state.js';
import { DynamoControlStore } from '../../adapters/dynamodb/controls.js';
import { PleoClient } from '../../adapters/pleo/client.js';
import { DEFAULT_RETRY } from '../../adapters/pleo/http.js';
import type { SecretReader } from '../../adapters/secrets/secret-reader.js';
import { SnsAlertPublisher } from '../../adapters/sns/publisher.js';
import { OrganisationListingRefusedError } from '../../app/errors.js';
import { digestOnce, type Invocation, type PollReport, pollOnce } from '../../app/poll.js';
import type { Log } from '../../app/ports.js';
import { POLLER_SETTINGS, type PollerConfig } from '../../config/poller.js';
import { resolveCredential } from './credential.js';

export interface PollerRuntime {
  dynamo: DynamoDBDocumentClient;
  readSecret: SecretReader;
  log: Log;
  /** The time; tests and the local demo move it forward to show reminders. */
  clock?: () => Date;
}

export interface PollOutcome extends PollReport {
  dynamoRequests: Record<string, number>;
  /** Of `dynamoRequests`, those that carried messages through the outbox. */
  dynamoDeliveryRequests: Record<string, number>;
  invalidRecords: number;
}

export function createPoller(config: PollerConfig, runtime: PollerRuntime) {
  // One publisher per runtime: the SNS client is loaded on first use and then reused across polls.
  const publisher = new SnsAlertPublisher(config.alertTopicArn);

  const deps = (invocation: Invocation) => ({
    state: new DynamoAlertState(runtime.dynamo, {
      tableName: config.tableName,
      retentionDays: config.retentionDays,
      concurrency: config.dynamoConcurrency,
      signal: invocation.signal,
    }),
    controls: new DynamoControlStore(
      runtime.dynamo,
      config.tableName,
      invocation.signal ? { abortSignal: invocation.signal } : {},
    ),
    publisher: async () => publisher,
    log: runtime.log,
    now: runtime.clock ?? (() => new Date()),
    owner: randomUUID(),
  });

  return {
    /** One poll of Pleo: new failures, resolved notices, reminders. */
    async poll(invocation: Invocation = {}): Promise<PollOutcome> {
      const credential = await resolveCredential(config.credential, runtime.readSecret);
      let invalidRecords = 0;
      const pleo = new PleoClient({
        baseUrl: config.pleoApiUrl,
        credential,
        requestTimeoutMs: config.pleoRequestTimeoutMs,
        maxRequestsPerSecond: config.pleoMaxRequestsPerSecond,
        retry: { ...DEFAULT_RETRY, budgetMs: config.retryBudgetMs },
        onInvalidRecord: (record) => {
          invalidRecords++;
          runtime.log.warn('Skipped a record Pleo sent that does not fit the API contract', { ...record });
        },
      });
      const pollDeps = { ...deps(invocation), pleo };
      const report = await pollOnce(pollDeps, config, invocation).catch((error: unknown) => {
        throw error instanceof OrganisationListingRefusedError
          ? new OrganisationListingRefusedError(
              error.refusal,
              ` in ${POLLER_SETTINGS.companies.env}, stack context "companies"`,
            )
          : error;
      });
      const { requestCounts, deliveryRequestCounts } = pollDeps.state;
      return {
        ...report,
        dynamoRequests: requestCounts,
        dynamoDeliveryRequests: deliveryRequestCounts,
        invalidRecords,
      };
    },

    /** The daily digest, from the state alone: it needs no Pleo credential. */
    async digest(invocation: Invocation = {}): Promise<PollOutcome> {
      const digestDeps = deps(invocation);
      const report = await digestOnce(digestDeps, config, invocation);
      const { requestCounts, deliveryRequestCounts } = digestDeps.state;
      return {
        ...report,
        dynamoRequests: requestCounts,
        dynamoDeliveryRequests: deliveryRequestCounts,
        invalidRecords: 0,
      };
    },
  };
}
