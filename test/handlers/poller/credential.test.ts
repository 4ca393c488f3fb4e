// A connection's key, wherever it is kept: given directly, in a Secrets Manager secret, or in an SSM SecureString
// parameter read through Powertools Parameters (SSM mocked). A key that cannot be used fails naming the connection,
// never the value.
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parameterStoreReader } from '../../../functions/adapters/parameters/parameter-reader.js';
import { ConfigError } from '../../../functions/config/setting.js';
import type { Connection, CredentialSource } from '../../../functions/domain/connection.js';
import { resolveCredential } from '../../../functions/handlers/poller/credential.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo-key';
const ssm = mockClient(SSMClient);
const noSecret = async () => {
  throw new Error('must not be called');
};

const connection = (credential: CredentialSource): Pick<Connection, 'name' | 'credential'> => ({
  name: 'acme',
  credential,
});

/** Each test its own parameter: Powertools caches what it read for the life of the process. */
let parameterCount = 0;
function storedParameter(value: string | undefined): string {
  const name = `/pleo-export-alerts/test/connections/acme-${++parameterCount}`;
  ssm
    .on(GetParameterCommand, { Name: name, WithDecryption: true })
    .resolves({ Parameter: { Name: name, Type: 'SecureString', Value: value } });
  return name;
}

describe('Function: resolveCredential', () => {
  beforeEach(() => {
    ssm.reset();
  });

  it.each([
    ['key-123', { kind: 'apiKey', apiKey: 'key-123' }],
    ['  key-123\n', { kind: 'apiKey', apiKey: 'key-123' }],
    ['{"apiKey":"key-123"}', { kind: 'apiKey', apiKey: 'key-123' }],
    ['{"bearerToken":"jwt"}', { kind: 'bearer', token: 'jwt' }],
  ])('reads a secret holding %s', async (value, expected) => {
    // Act
    const credential = await resolveCredential(connection({ kind: 'secret', secretArn: ARN }), {
      readSecret: async () => value.trim(),
      readParameter: noSecret,
    });

    // Assess
    expect(credential).toEqual(expected);
  });

  it('reads a SecureString parameter, decrypted, once within its cache time', async () => {
    // Prepare
    const name = storedParameter('key-from-ssm\n');
    const readers = { readSecret: noSecret, readParameter: parameterStoreReader() };

    // Act
    const first = await resolveCredential(connection({ kind: 'parameter', name }), readers);
    const second = await resolveCredential(connection({ kind: 'parameter', name }), readers);

    // Assess
    expect(first).toEqual({ kind: 'apiKey', apiKey: 'key-from-ssm' });
    expect(second).toEqual(first);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: name, WithDecryption: true });
  });

  it.each<[string, string | undefined, string]>([
    ['empty', '  ', 'is empty'],
    ['JSON without a key', '{"token":"do-not-print"}', 'holds no usable key'],
    ['a key with a line break inside', 'do-not\nprint', 'holds no usable key'],
  ])(
    'fails a parameter that is %s naming the connection and the parameter, never the value',
    async (_case, value, problem) => {
      // Prepare
      const name = storedParameter(value);

      // Act
      const error = await resolveCredential(connection({ kind: 'parameter', name }), {
        readSecret: noSecret,
        readParameter: parameterStoreReader(),
      }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toContain(`Connection "acme": the Pleo API key parameter ${name} ${problem}`);
      expect(String(error)).not.toContain('do-not');
    },
  );

  it('fails a parameter that does not exist naming the connection and what SSM said', async () => {
    // Prepare
    const name = `/pleo-export-alerts/test/connections/gone-${++parameterCount}`;
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    // Act
    const error = await resolveCredential(connection({ kind: 'parameter', name }), {
      readSecret: noSecret,
      readParameter: parameterStoreReader(),
    }).catch((e: unknown) => e);

    // Assess
    expect(String(error)).toContain(
      `Connection "acme": the Pleo API key parameter ${name} cannot be read: ParameterNotFound`,
    );
  });

  it('says the secret is empty, naming it, when nobody filled it yet', async () => {
    // Act
    const error = await resolveCredential(connection({ kind: 'secret', secretArn: ARN }), {
      readSecret: async () => undefined,
      readParameter: noSecret,
    }).catch((e: unknown) => e);

    // Assess
    expect(String(error)).toContain(`Connection "acme": the Pleo API key secret ${ARN} is empty`);
  });

  it('passes a key given directly through without reading anything', async () => {
    // Act
    const credential = await resolveCredential(connection({ kind: 'apiKey', apiKey: 'k' }), {
      readSecret: noSecret,
      readParameter: noSecret,
    });

    // Assess
    expect(credential).toEqual({ kind: 'apiKey', apiKey: 'k' });
  });
});
