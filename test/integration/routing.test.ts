// A combined message through the real SNS client and fauxqs: the attributes SNS delivers, and which subscriptions
// receive it under the filter policies the stack writes.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildSnsMessage } from '../../functions/render/sns-message.js';
import { combinedMessage } from '../render/alert-fixtures.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/dynamo.js';
import { acceptedBy, type FilterPolicy } from '../support/sns-filter.js';

const COMPANY = 'c0ffee00-1111-2222-3333-444455556666';
const envelope = z.object({ Message: z.string(), MessageAttributes: z.record(z.string(), z.unknown()) });

// Policies fauxqs evaluates itself: they filter on String attributes only.
const STRING_POLICIES: Record<string, FilterPolicy> = {
  everything: {},
  'its company': { company: [COMPANY] },
  'another company': { company: ['7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02'] },
  'its kind': { kind: ['alert', 'resolved', 'reminder'] },
  'the digest': { kind: ['digest'] },
  'any kind (the Slack notifier)': { kind: [{ exists: true }] },
};

describe('a combined message routed by SNS filter policies (real SNS client, fauxqs)', () => {
  let server: FauxqsServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  const delivered = new Map<string, z.infer<typeof envelope>[]>();
  // Sections for missing configuration (accountant), authorization failure (admin), a timeout (transient).
  const message = combinedMessage(5);

  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false, defaultRegion: TEST_REGION });
    const { topicArn } = server.createTopic('alerts', { region: TEST_REGION });
    const queues = new Map<string, string>();
    for (const [index, [name, policy]] of Object.entries(STRING_POLICIES).entries()) {
      const { queueUrl } = server.createQueue(`q${index}`, { region: TEST_REGION });
      const filter: Record<string, string> =
        Object.keys(policy).length > 0 ? { FilterPolicy: JSON.stringify(policy) } : {};
      server.subscribe({ topic: 'alerts', queue: `q${index}`, region: TEST_REGION, attributes: filter });
      queues.set(name, queueUrl);
      delivered.set(name, []);
    }
    sns = new SNSClient({ endpoint: server.address, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    sqs = new SQSClient({ endpoint: server.address, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    await sns.send(new PublishCommand({ TopicArn: topicArn, ...buildSnsMessage(message) }));
    for (const [name, QueueUrl] of queues) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const received of Messages) {
        delivered.get(name)?.push(envelope.parse(JSON.parse(received.Body ?? '')));
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received.ReceiptHandle }));
      }
    }
  });
  afterAll(async () => {
    sns.destroy();
    sqs.destroy();
    await server.stop();
  });

  it('carries every reason and category inside as String.Array attributes, as SNS delivers them', () => {
    const [received] = delivered.get('everything') ?? [];

    expect(received?.MessageAttributes).toMatchObject({
      company: { Type: 'String', Value: COMPANY },
      kind: { Type: 'String', Value: 'alert' },
      reason: { Type: 'String.Array', Value: JSON.stringify(message.sections.map((s) => s.reason)) },
      category: { Type: 'String.Array', Value: '["admin","transient","accountant"]' },
      alertId: { Type: 'String', Value: message.alertId },
    });
  });

  it.each([
    ['everything', true],
    ['its company', true],
    ['another company', false],
    ['its kind', true],
    ['the digest', false],
    ['any kind (the Slack notifier)', true],
  ])(
    'reaches a subscription filtered on %s: %s (fauxqs filters), as the documented rule says',
    (name, expected) => {
      const [received] = delivered.get('everything') ?? [];

      expect((delivered.get(name) ?? []).length).toBe(expected ? 1 : 0);
      expect(acceptedBy(STRING_POLICIES[name] ?? {}, received?.MessageAttributes)).toBe(expected);
    },
  );

  it.each<[string, FilterPolicy, boolean]>([
    ['a category of one of its sections', { category: ['accountant'] }, true],
    ['another category of one of its sections', { category: ['transient'] }, true],
    ['a category none of its sections has', { category: ['info'] }, false],
    [
      'categories and kinds, as emailSubscriptions writes them',
      { category: ['admin', 'info'], kind: ['alert'] },
      true,
    ],
    ['its company and a category it has', { company: [COMPANY], category: ['integration', 'admin'] }, true],
    ['its company and a category it lacks', { company: [COMPANY], category: ['integration'] }, false],
    ['the reason of one of its sections', { reason: ['missing_configuration'] }, true],
    ['a reason it lacks', { reason: ['canceled_by_user'] }, false],
  ])(
    'reaches a subscription filtered on %s: %s (String.Array: any element matches)',
    (_case, policy, expected) => {
      const [received] = delivered.get('everything') ?? [];

      expect(acceptedBy(policy, received?.MessageAttributes)).toBe(expected);
    },
  );
});
