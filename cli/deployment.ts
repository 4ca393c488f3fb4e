// Which alerter the CLI talks to: a deployed stack, by its outputs (CloudFormation DescribeStacks), or the
// environment `npm start` uses (TABLE_NAME, ALERT_TOPIC_ARN, and AWS_ENDPOINT_URL_DYNAMODB / _SNS for local or
// stand-in parts).
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ENV } from '../functions/config/env.js';
import { applyAwsDefaults } from '../local/aws-env.js';
import { CommandError } from './args.js';

const { ALERT_TOPIC_ARN, TABLE_NAME } = ENV;

/** What the CLI knows of one deployment; the parts a command needs and does not have, it names. */
export interface Deployment {
  /** Where it was found: `stack <name>` or `environment`. */
  source: string;
  /** The stack's name, when it was found by it. */
  stackName: string | undefined;
  tableName: string;
  topicArn: string | undefined;
  pollDeadLetterQueueUrl: string | undefined;
  deliveryDeadLetterQueueUrl: string | undefined;
  pleoApiKeySecretArn: string | undefined;
  slackWebhookSecretArn: string | undefined;
  pollerFunctionName: string | undefined;
  slackNotifierFunctionName: string | undefined;
  /** The stack's KMS key: connections' keys are encrypted with it. */
  encryptionKeyArn: string | undefined;
  /** Every output of the stack, by key (empty from the environment). */
  outputs: Readonly<Record<string, string>>;
}

/** The stack's outputs the CLI reads (lib/alerter-stack.ts). */
const OUTPUT = {
  topic: 'AlertTopicArn',
  table: 'StateTableName',
  pollDeadLetters: 'PollDeadLetterQueueUrl',
  deliveryDeadLetters: 'DeliveryDeadLetterQueueUrl',
  pleoSecret: 'PleoApiKeySecretArn',
  slackSecret: 'SlackWebhookSecretArn',
  poller: 'PollerFunctionName',
  slackNotifier: 'SlackNotifierFunctionName',
  encryptionKey: 'EncryptionKeyArn',
} as const;

/** The environment variables that stand in for the queues' and functions' outputs, for a local or stand-in run. */
export const STAND_IN = {
  pollDeadLetters: 'POLL_DEAD_LETTER_QUEUE_URL',
  deliveryDeadLetters: 'DELIVERY_DEAD_LETTER_QUEUE_URL',
  poller: 'POLLER_FUNCTION_NAME',
  slackNotifier: 'SLACK_NOTIFIER_FUNCTION_NAME',
} as const;

/**
 * The deployment `--stack` names, else the one the environment describes.
 * @throws CommandError when there is none, or the stack is not found or lacks its table
 */
export async function resolveDeployment(
  stack: string | undefined,
  env: NodeJS.ProcessEnv,
  describeStack: (name: string) => Promise<Record<string, string>> = stackOutputs,
): Promise<Deployment> {
  await applyAwsDefaults(env);
  if (stack !== undefined)
    return { ...fromOutputs(`stack ${stack}`, await describeStack(stack)), stackName: stack };
  const tableName = env[TABLE_NAME];
  if (!tableName) {
    throw new CommandError(
      `no alerter given: name its stack with --stack <name>, or set ${TABLE_NAME} (with AWS_ENDPOINT_URL_DYNAMODB for a table on this machine)`,
    );
  }
  return {
    source: 'environment',
    stackName: undefined,
    tableName,
    topicArn: env[ALERT_TOPIC_ARN] || undefined,
    pollDeadLetterQueueUrl: env[STAND_IN.pollDeadLetters] || undefined,
    deliveryDeadLetterQueueUrl: env[STAND_IN.deliveryDeadLetters] || undefined,
    pleoApiKeySecretArn: undefined,
    slackWebhookSecretArn: undefined,
    pollerFunctionName: env[STAND_IN.poller] || undefined,
    slackNotifierFunctionName: env[STAND_IN.slackNotifier] || undefined,
    encryptionKeyArn: undefined,
    outputs: {},
  };
}

function fromOutputs(source: string, outputs: Record<string, string>): Omit<Deployment, 'stackName'> {
  const tableName = outputs[OUTPUT.table];
  if (!tableName)
    throw new CommandError(`${source} has no output ${OUTPUT.table}: is it this alerter's stack?`);
  return {
    source,
    tableName,
    topicArn: outputs[OUTPUT.topic],
    pollDeadLetterQueueUrl: outputs[OUTPUT.pollDeadLetters],
    deliveryDeadLetterQueueUrl: outputs[OUTPUT.deliveryDeadLetters],
    pleoApiKeySecretArn: outputs[OUTPUT.pleoSecret],
    slackWebhookSecretArn: outputs[OUTPUT.slackSecret],
    pollerFunctionName: outputs[OUTPUT.poller],
    slackNotifierFunctionName: outputs[OUTPUT.slackNotifier],
    encryptionKeyArn: outputs[OUTPUT.encryptionKey],
    outputs,
  };
}

/** A stack's outputs by key, from CloudFormation. */
export async function stackOutputs(name: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient({});
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: name }));
    const [found] = Stacks;
    if (!found) throw new CommandError(`no stack named ${name}`);
    return Object.fromEntries(
      (found.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
        OutputKey && OutputValue !== undefined ? [[OutputKey, OutputValue]] : [],
      ),
    );
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw new CommandError(`no stack named ${name} in ${await client.config.region()}`);
    }
    throw error;
  } finally {
    client.destroy();
  }
}
