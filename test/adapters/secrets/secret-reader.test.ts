import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { secretsManagerReader } from '../../../functions/adapters/secrets/secret-reader.js';
import { webhookUrlFromSecret } from '../../../functions/adapters/slack/webhook-url.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf';
/** What Secrets Manager answers for a secret created without a value, as the stack creates it. */
const noVersionYet = () =>
  new ResourceNotFoundException({
    message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    $metadata: { httpStatusCode: 400 },
  });

describe('Function: secretsManagerReader', () => {
  it.each<[string, unknown, string | undefined]>([
    ['text, trimmed', '  the-key\n', 'the-key'],
    ['binary bytes, as text', new TextEncoder().encode('the-key'), 'the-key'],
    ['an empty value as nothing', '  ', undefined],
  ])('reads %s', async (_case, stored, expected) => {
    // Prepare
    const read = secretsManagerReader(async () => stored);

    // Act
    const text = await read(ARN);

    // Assess
    expect(text).toBe(expected);
  });

  it('reads a secret created with no value (no AWSCURRENT version) as holding nothing', async () => {
    // Prepare
    const read = secretsManagerReader(async () => {
      throw noVersionYet();
    });

    // Act
    const text = await read(ARN);

    // Assess
    expect(text).toBeUndefined();
  });

  it('lets any other failure through', async () => {
    // Prepare
    const read = secretsManagerReader(async () => {
      throw new Error('AccessDeniedException');
    });

    // Act and assess
    await expect(read(ARN)).rejects.toThrow('AccessDeniedException');
  });

  it("makes the Slack notifier say the stack's empty webhook secret is empty", async () => {
    // Prepare
    const webhookUrl = webhookUrlFromSecret(
      ARN,
      secretsManagerReader(async () => {
        throw noVersionYet();
      }),
    );

    // Act and assess
    await expect(webhookUrl()).rejects.toThrow(
      `Slack webhook secret ${ARN} is empty: put the incoming webhook URL in it`,
    );
  });
});
