// Builds a poll of one connection from configuration and runtime clients. The Lambda handler and `npm start` both
// use it, so the local run is the very code that runs in AWS.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertState } from '../../adapters/dynamodb/alert-state.js';
import { DynamoControlStore } from '../../adapters/dynamodb/controls.js';
import type { ParameterReader } from '../../adapters/parameters/parameter-reader.js';
import { PleoClient } from '../../adapters/pleo/client.js';
import { DEFAULT_RETRY } from '../../adapters/pleo/http.js';
import type { SecretReader } from '../../adapters/secrets/secret-reader.js';
import { SnsAlertPublisher } from '../../adapters/sns/publisher.js';
import { OrganisationListingRefusedError } from '../../app/errors.js';
import { digestOnce, type Invocation, NOTHING_DONE, type PollReport, pollOnce } from '../../app/poll.js';
import type { Log } from '../../app/ports.js';
import { POLLER_SETTINGS, type PollerConfig } from '../../config/poller.js';
import { retryable } from '../../domain/actions.js';
import { alertsOf } from '../../domain/alert.js';
import { type Connection, polledCompanies, shareCompanies } from '../../domain/connection.js';
import type { ActionOffer } from '../../render/action-offer.js';
import { MissingKeyError, resolveCredential } from './credential.js';
import { emailActionsOf } from './email-actions.js';

export interface PollerRuntime {
  dynamo: DynamoDBDocumentClient;
  readSecret: SecretReader;
  readParameter: ParameterReader;
  log: Log;
  /** The time; tests and the local demo move it forward to show reminders. */
  clock?: () => Date;
  /** Every connection the deployment polls, for the one daily digest of them all; without it, the stack's alone. */
  connections?: () => Promise<readonly Connection[]>;
}

export interface PollOutcome extends PollReport {
  /** The connection polled. */
  connection: string;
  dynamoRequests: Record<string, number>;
  /** Of `dynamoRequests`, those that carried messages through the outbox. */
  dynamoDeliveryRequests: Record<string, number>;
  invalidRecords: number;
}

export function createPoller(config: PollerConfig, runtime: PollerRuntime) {
  // One publisher per connection and runtime: its SNS client is loaded on first use and then reused across polls.
  const publishers = new Map<string, SnsAlertPublisher>();
  const publisherOf = (connection: Connection): SnsAlertPublisher => {
    let publisher = publishers.get(connection.name);
    if (publisher === undefined) {
      // Retries use the stack's retry key: only its own connection's alerts offer them.
      const offer: ActionOffer = {
        connection: connection.stack ? undefined : connection.name,
        retry:
          config.retryExports && connection.stack
            ? (alert) => retryable(alert.category) !== undefined
            : undefined,
      };
      publisher = new SnsAlertPublisher(config.alertTopicArn, undefined, async () => ({
        slackActions: config.slackActions ? offer : undefined,
        emailActions: await emailActionsOf(config, runtime.readSecret, offer),
        routing: connection.stack ? undefined : { connection: connection.name, ...connection.routing },
      }));
      publishers.set(connection.name, publisher);
    }
    return publisher;
  };

  const stateOf = (connection: Connection, invocation: Invocation) =>
    new DynamoAlertState(runtime.dynamo, {
      tableName: config.tableName,
      retentionDays: config.retentionDays,
      concurrency: config.dynamoConcurrency,
      signal: invocation.signal,
      connection: connection.stack ? undefined : connection.name,
    });

  /** The other connections' groups, read for the digest that the stack's connection sends under its lease. */
  const otherGroups = async (invocation: Invocation) => {
    const others = ((await runtime.connections?.()) ?? []).filter((connection) => !connection.stack);
    const groups = await Promise.all(others.map((c) => stateOf(c, invocation).failureGroups()));
    return groups.flat();
  };

  /** Jobs other connections covering the same companies wrote down and have not delivered yet. */
  const othersInFlight = async (connection: Connection, invocation: Invocation) => {
    const others = ((await runtime.connections?.()) ?? []).filter(
      (other) => other.name !== connection.name && shareCompanies(other, connection),
    );
    const outboxes = await Promise.all(others.map((other) => stateOf(other, invocation).outbox()));
    return new Set(
      outboxes
        .flat()
        .flatMap(({ message }) => alertsOf(message).flatMap((alert) => alert.jobs.map((j) => j.jobId))),
    );
  };

  const hasStoredConnections = async () =>
    ((await runtime.connections?.()) ?? []).some((connection) => !connection.stack);

  const deps = (connection: Connection, invocation: Invocation) => ({
    state: stateOf(connection, invocation),
    otherGroups: connection.stack ? () => otherGroups(invocation) : undefined,
    othersInFlight: () => othersInFlight(connection, invocation),
    controls: new DynamoControlStore(
      runtime.dynamo,
      config.tableName,
      invocation.signal ? { abortSignal: invocation.signal } : {},
    ),
    publisher: async () => publisherOf(connection),
    log: runtime.log,
    now: runtime.clock ?? (() => new Date()),
    owner: randomUUID(),
    connection,
  });

  /**
   * One poll of Pleo through one connection: new failures, resolved notices, reminders, with the connection's own
   * key, rate ceiling, lease and state. A connection whose key cannot be read fails alone, naming itself.
   */
  async function pollConnection(connection: Connection, invocation: Invocation = {}): Promise<PollOutcome> {
    const credential = await resolveCredential(connection, runtime).catch(async (error: unknown) => {
      // A deployment that watches only the connections stored with the CLI leaves the stack's own secret empty.
      if (connection.stack && error instanceof MissingKeyError && (await hasStoredConnections()))
        return undefined;
      throw error;
    });
    if (credential === undefined) {
      runtime.log.info("The stack's own Pleo key is not set: only the stored connections are polled", {
        connection: connection.name,
      });
      return {
        ...NOTHING_DONE,
        skipped: true,
        connection: connection.name,
        dynamoRequests: {},
        dynamoDeliveryRequests: {},
        invalidRecords: 0,
      };
    }
    let invalidRecords = 0;
    const pleo = new PleoClient({
      baseUrl: config.pleoApiUrl,
      credential,
      requestTimeoutMs: config.pleoRequestTimeoutMs,
      // The connection's own ceiling: each key is its own integration to Pleo.
      maxRequestsPerSecond: config.pleoMaxRequestsPerSecond,
      retry: { ...DEFAULT_RETRY, budgetMs: config.retryBudgetMs },
      onInvalidRecord: (record) => {
        invalidRecords++;
        runtime.log.warn('Skipped a record Pleo sent that does not fit the API contract', {
          connection: connection.name,
          ...record,
        });
      },
    });
    const pollDeps = { ...deps(connection, invocation), pleo };
    const settings = { ...config, companies: polledCompanies(connection) };
    const report = await pollOnce(pollDeps, settings, invocation).catch((error: unknown) => {
      throw error instanceof OrganisationListingRefusedError
        ? new OrganisationListingRefusedError(
            error.refusal,
            connection.stack
              ? ` in ${POLLER_SETTINGS.companies.env}, stack context "companies"`
              : ` in connection "${connection.name}"'s companies`,
          )
        : error;
    });
    const { requestCounts, deliveryRequestCounts } = pollDeps.state;
    return {
      ...report,
      connection: connection.name,
      dynamoRequests: requestCounts,
      dynamoDeliveryRequests: deliveryRequestCounts,
      invalidRecords,
    };
  }

  return {
    /** The stack's own connection (its single-key settings), polled by `poll`. */
    stackConnection: config.stackConnection,
    pollConnection,

    /** A poll of the stack's own connection (its single-key settings). */
    poll: (invocation: Invocation = {}) => pollConnection(config.stackConnection, invocation),

    /** The daily digest, from the state alone: it needs no Pleo credential. */
    async digest(invocation: Invocation = {}): Promise<PollOutcome> {
      const digestDeps = deps(config.stackConnection, invocation);
      const report = await digestOnce(digestDeps, config, invocation);
      const { requestCounts, deliveryRequestCounts } = digestDeps.state;
      return {
        ...report,
        connection: config.stackConnection.name,
        dynamoRequests: requestCounts,
        dynamoDeliveryRequests: deliveryRequestCounts,
        invalidRecords: 0,
      };
    },
  };
}
