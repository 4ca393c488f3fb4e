// Region and credentials `npm start` gives the AWS clients: stand-ins when every AWS call stays on this machine,
// the caller's own otherwise.
import { describe, expect, it } from 'vitest';
import { applyAwsDefaults, isLoopbackUrl, remoteAwsServices, STAND_IN_KEY } from '../../local/aws-env.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo-key';

describe('remoteAwsServices', () => {
  it.each([
    ['everything embedded', {}, []],
    [
      'DynamoDB and SNS on this machine',
      { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL_SNS: 'http://localhost:4566' },
      [],
    ],
    ['DynamoDB on [::1]', { AWS_ENDPOINT_URL_DYNAMODB: 'http://[::1]:8000' }, []],
    [
      'a real DynamoDB',
      { AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com' },
      ['AWS_ENDPOINT_URL_DYNAMODB'],
    ],
    ['a real SNS', { AWS_ENDPOINT_URL_SNS: 'https://sns.eu-west-1.amazonaws.com' }, ['AWS_ENDPOINT_URL_SNS']],
    [
      'a secret in the real Secrets Manager',
      { PLEO_CREDENTIAL_SECRET_ARN: SECRET_ARN },
      ['PLEO_CREDENTIAL_SECRET_ARN'],
    ],
    [
      'a secret in a Secrets Manager on this machine',
      { PLEO_CREDENTIAL_SECRET_ARN: SECRET_ARN, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://localhost:4566' },
      [],
    ],
    [
      'a secret behind the global endpoint',
      { PLEO_CREDENTIAL_SECRET_ARN: SECRET_ARN, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      [],
    ],
  ])('%s', (_case, env: NodeJS.ProcessEnv, expected) => {
    expect(remoteAwsServices(env)).toEqual(expected);
  });

  it('does not take a host merely starting with 127 or localhost for this machine', () => {
    expect(isLoopbackUrl('http://127.example.com')).toBe(false);
    expect(isLoopbackUrl('http://localhost.example.com')).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1:8000')).toBe(true);
  });
});

describe('applyAwsDefaults', () => {
  it('gives calls that stay on this machine stand-in credentials, dropping a profile that may not exist', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      AWS_REGION: 'eu-north-1',
      AWS_PROFILE: 'expired-sso',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
    };

    // Act
    await applyAwsDefaults(env);

    // Assess
    expect(env).toEqual({
      AWS_REGION: 'eu-north-1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ACCESS_KEY_ID: STAND_IN_KEY,
      AWS_SECRET_ACCESS_KEY: STAND_IN_KEY,
    });
  });

  it('keeps credentials the caller set', async () => {
    const env: NodeJS.ProcessEnv = {
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'AKIAMINE',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    await applyAwsDefaults(env);
    expect(env.AWS_ACCESS_KEY_ID).toBe('AKIAMINE');
  });

  it.each([
    [
      'a real DynamoDB beside the embedded SNS',
      { AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com' },
    ],
    [
      'a secret in the real Secrets Manager beside embedded DynamoDB and SNS',
      { PLEO_CREDENTIAL_SECRET_ARN: SECRET_ARN },
    ],
  ])('leaves the credentials to the SDK (the profile, `aws configure`, …) for %s', async (_case, extra) => {
    // Prepare
    const env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-north-1', AWS_PROFILE: 'work', ...extra };

    // Act
    await applyAwsDefaults(env);

    // Assess
    expect(env.AWS_PROFILE).toBe('work');
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it('takes the region from AWS_DEFAULT_REGION when AWS_REGION is not set', async () => {
    const env: NodeJS.ProcessEnv = { AWS_DEFAULT_REGION: 'ap-southeast-2' };
    await applyAwsDefaults(env);
    expect(env.AWS_REGION).toBe('ap-southeast-2');
  });
});
