// The AWS clients and adapters the commands use, made as the Lambdas make theirs: region, credentials and
// endpoints (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, …) from the environment, so a local table or topic
// just works.
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { DynamoAlertState } from '../functions/adapters/dynamodb/alert-state.js';
import { DynamoConnectionStore } from '../functions/adapters/dynamodb/connections.js';
import { DynamoControlStore } from '../functions/adapters/dynamodb/controls.js';
import { SsmCredentialVault } from '../functions/adapters/parameters/ssm-vault.js';
import { PleoClient } from '../functions/adapters/pleo/client.js';
import type { ConnectionDeps } from '../functions/app/connections.js';
import type { ControlDeps } from '../functions/app/controls.js';
import type { CompanyDirectory } from '../functions/app/ports.js';
import { ENV } from '../functions/config/env.js';
import { POLLER_SETTINGS } from '../functions/config/poller.js';
import { companies as companiesRule, pleoApiUrl } from '../functions/config/rules.js';
import { connectionParameterName } from '../functions/contracts/connection.js';
import { FolderCredentialVault, localParametersDir } from '../local/parameter-folder.js';
import { CommandError } from './args.js';
import type { Deployment } from './deployment.js';

/** Job records are written by the poller only; the CLI's reads and control writes never depend on this. */
const UNUSED_RETENTION_DAYS = 1;

export interface StateAccess {
  state: DynamoAlertState;
  controls: DynamoControlStore;
  close: () => void;
}

/** The alerter's state table, read (and its controls written) through the poller's own adapters. */
export function stateOf(deployment: Deployment): StateAccess {
  const client = new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(client);
  return {
    state: new DynamoAlertState(doc, {
      tableName: deployment.tableName,
      retentionDays: UNUSED_RETENTION_DAYS,
    }),
    controls: new DynamoControlStore(doc, deployment.tableName),
    close: () => client.destroy(),
  };
}

/** What the control use cases need, over the table and the companies the poller is configured with. */
export function controlDeps(
  access: StateAccess,
  deployment: Deployment,
  env: NodeJS.ProcessEnv,
  now: () => Date,
): ControlDeps {
  return {
    controls: access.controls,
    history: access.state,
    companies: configuredCompanies(() => pollerEnvironment(deployment, env)),
    now,
  };
}

/** The companies PLEO_COMPANIES configures, as the poller reads it; none when it is not set. */
function configuredCompanies(environment: () => Promise<NodeJS.ProcessEnv>): CompanyDirectory {
  return {
    async companies() {
      const given = (await environment())[ENV.PLEO_COMPANIES];
      if (!given) return [];
      const parsed = z.safeParse(companiesRule, given);
      if (!parsed.success)
        throw new Error(`${ENV.PLEO_COMPANIES} is not a list of companies: ${parsed.error.message}`);
      return parsed.data.map((company) => ({ id: company.id, name: company.name ?? null }));
    },
  };
}

/** The stack name connections' parameters are named under when the alerter is `npm start`'s (no stack). */
export const LOCAL_STACK_NAME = 'local';

/**
 * What the connection use cases need: the records in the state table; the keys in Parameter Store under the stack's
 * path, encrypted with its KMS key (or, for the environment's alerter, in the local folder `npm start` reads); Pleo
 * at the poller's address, asked for one page of one job.
 */
export async function connectionDeps(
  deployment: Deployment,
  env: NodeJS.ProcessEnv,
  now: () => Date,
): Promise<ConnectionDeps & { close: () => void }> {
  const dynamo = new DynamoDBClient({});
  const ssm = deployment.stackName ? new SSMClient({}) : undefined;
  let vault: ConnectionDeps['vault'];
  if (ssm) {
    if (!deployment.encryptionKeyArn)
      throw new CommandError(
        `${deployment.source} has no output EncryptionKeyArn: is it this alerter's stack?`,
      );
    vault = new SsmCredentialVault(ssm, deployment.encryptionKeyArn);
  } else {
    vault = new FolderCredentialVault(localParametersDir(env));
  }
  const baseUrl = await pleoAddress(deployment, env);
  const doc = DynamoDBDocumentClient.from(dynamo);
  return {
    store: new DynamoConnectionStore(doc, deployment.tableName),
    undelivered: async (connection) =>
      (
        await new DynamoAlertState(doc, {
          tableName: deployment.tableName,
          retentionDays: UNUSED_RETENTION_DAYS,
          connection,
        }).outbox()
      ).length,
    vault,
    pleo: (credential) =>
      new PleoClient({
        baseUrl,
        credential,
        pageSize: 1,
        retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000, budgetMs: 5_000 },
      }),
    parameterName: (name) => connectionParameterName(deployment.stackName ?? LOCAL_STACK_NAME, name),
    stackConnectionName:
      deployment.stackName ?? (env[POLLER_SETTINGS.stackName.env] || POLLER_SETTINGS.stackName.default),
    now,
    close: () => {
      dynamo.destroy();
      ssm?.destroy();
    },
  };
}

/** The Pleo address the poller uses (PLEO_API_URL, by default Pleo's own). */
async function pleoAddress(deployment: Deployment, env: NodeJS.ProcessEnv): Promise<string> {
  const { env: name, default: fallback } = POLLER_SETTINGS.pleoApiUrl;
  const given = (await pollerEnvironment(deployment, env))[name] || fallback;
  const parsed = z.safeParse(pleoApiUrl, given);
  if (!parsed.success)
    throw new CommandError(`${name} is not a Pleo address: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export interface Subscription {
  protocol: string;
  endpoint: string;
  /** False while an email address has not confirmed it. */
  confirmed: boolean;
}

/** Who receives the topic's messages, and whether each confirmed. */
export async function topicSubscriptions(topicArn: string): Promise<Subscription[]> {
  const sns = new SNSClient({});
  try {
    const subscriptions: Subscription[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
      for (const subscription of page.Subscriptions ?? []) {
        subscriptions.push({
          protocol: subscription.Protocol ?? '?',
          endpoint: subscription.Endpoint ?? '?',
          confirmed: !/^(PendingConfirmation|pending confirmation)$/i.test(
            subscription.SubscriptionArn ?? '',
          ),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return subscriptions;
  } finally {
    sns.destroy();
  }
}

/** Messages waiting in a queue (visible and in flight), as SQS counts them: approximately. */
export async function queueDepth(queueUrl: string): Promise<number> {
  const sqs = sqsClient();
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } finally {
    sqs.destroy();
  }
}

/**
 * Every message of a queue, left in it: received with no visibility timeout, so they stay visible to a redrive
 * right after; repeats are dropped by id. Stops at `limit`.
 */
export async function peekQueue(queueUrl: string, limit = 100): Promise<Message[]> {
  const sqs = sqsClient();
  try {
    const seen = new Map<string, Message>();
    for (let round = 0; round < 20 && seen.size < limit; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const fresh = Messages.filter((message) => message.MessageId && !seen.has(message.MessageId));
      if (fresh.length === 0) break;
      for (const message of fresh) seen.set(message.MessageId as string, message);
    }
    return [...seen.values()].slice(0, limit);
  } finally {
    sqs.destroy();
  }
}

/** Takes messages off a queue for a while to work on them: each is deleted when done, or comes back. */
export async function takeFromQueue(
  queueUrl: string,
  seconds: number,
): Promise<{
  messages: Message[];
  done: (message: Message) => Promise<void>;
  close: () => void;
}> {
  const sqs = sqsClient();
  const messages: Message[] = [];
  for (let round = 0; round < 10; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: seconds,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  return {
    messages,
    done: async (message) => {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    },
    close: () => sqs.destroy(),
  };
}

export async function purgeQueue(queueUrl: string): Promise<void> {
  const sqs = sqsClient();
  try {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  } finally {
    sqs.destroy();
  }
}

/** Invokes a function and waits for it; its error, when it failed, in one line. */
export async function invokeFunction(name: string, payload: unknown): Promise<{ error?: string }> {
  const lambda = new LambdaClient({});
  try {
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (!result.FunctionError) return {};
    const answer = result.Payload ? new TextDecoder().decode(result.Payload) : '';
    let detail = answer;
    try {
      const parsed = JSON.parse(answer) as { errorType?: string; errorMessage?: string };
      detail = `${parsed.errorType ?? result.FunctionError}: ${parsed.errorMessage ?? ''}`;
    } catch {}
    return { error: detail.split('\n')[0]?.slice(0, 300) || result.FunctionError };
  } finally {
    lambda.destroy();
  }
}

/** With an endpoint given (a stand-in SQS), calls go there whatever host a queue's URL names. */
function sqsClient(): SQSClient {
  return new SQSClient(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {});
}

/**
 * The poller's environment: a deployed stack's, read from its function's configuration (the settings the deploy
 * gave it: Pleo's address, the companies, the key's secret), else this process's, as `npm start` reads it.
 */
export async function pollerEnvironment(
  deployment: Deployment,
  env: NodeJS.ProcessEnv,
): Promise<NodeJS.ProcessEnv> {
  if (!deployment.outputs.PollerFunctionName || !deployment.pollerFunctionName) return env;
  const lambda = new LambdaClient({});
  try {
    const { Environment } = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: deployment.pollerFunctionName }),
    );
    return { ...(Environment?.Variables ?? {}) };
  } finally {
    lambda.destroy();
  }
}

/** The state of each CloudWatch alarm of the stack. */
export async function alarmStates(
  stackName: string,
): Promise<Array<{ name: string; state: string; reason: string }>> {
  const cloudFormation = new CloudFormationClient({});
  const cloudWatch = new CloudWatchClient({});
  try {
    const { StackResources = [] } = await cloudFormation.send(
      new DescribeStackResourcesCommand({ StackName: stackName }),
    );
    const names = StackResources.filter((r) => r.ResourceType === 'AWS::CloudWatch::Alarm').flatMap((r) =>
      r.PhysicalResourceId ? [r.PhysicalResourceId] : [],
    );
    if (names.length === 0) return [];
    const { MetricAlarms = [] } = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names }));
    return MetricAlarms.map((alarm) => ({
      name: alarm.AlarmName ?? '?',
      state: alarm.StateValue ?? 'unknown',
      reason: alarm.StateReason ?? '',
    }));
  } finally {
    cloudFormation.destroy();
    cloudWatch.destroy();
  }
}
