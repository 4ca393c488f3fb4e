// The vaults keeping connections' keys: Parameter Store (SecureString, the stack's KMS key), checked with
// aws-sdk-client-mock as SSM has no emulator, and the local folder `npm start` uses.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SsmCredentialVault } from '../../../functions/adapters/parameters/ssm-vault.js';
import { FolderCredentialVault } from '../../../local/parameter-folder.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6';
const PARAMETER = '/pleo-export-alerts/Alerts/connections/acme';
const notFound = () => new ParameterNotFound({ message: 'not found', $metadata: { httpStatusCode: 400 } });

describe('Class: SsmCredentialVault', () => {
  const ssm = mockClient(SSMClient);
  const vault = new SsmCredentialVault(new SSMClient({ region: 'eu-west-1' }), KEY_ARN);
  beforeEach(() => ssm.reset());

  it("writes a SecureString encrypted with the stack's key, replacing an older value", async () => {
    // Prepare
    ssm.on(PutParameterCommand).resolves({ Version: 2 });

    // Act
    await vault.put(PARAMETER, 'key-acme');

    // Assess
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: PARAMETER,
      Value: 'key-acme',
      Type: 'SecureString',
      KeyId: KEY_ARN,
      Tier: 'Standard',
      Overwrite: true,
    });
  });

  it('reads a value decrypted, and a missing parameter as none', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand, { Name: PARAMETER })
      .resolves({ Parameter: { Name: PARAMETER, Value: 'key-acme' } })
      .on(GetParameterCommand, { Name: `${PARAMETER}-gone` })
      .rejects(notFound());

    // Act
    const values = [await vault.read(PARAMETER), await vault.read(`${PARAMETER}-gone`)];

    // Assess
    expect(values).toEqual(['key-acme', undefined]);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER, WithDecryption: true });
  });

  it('deletes a parameter, one already gone without complaint, and lets any other failure through', async () => {
    // Prepare
    ssm
      .on(DeleteParameterCommand, { Name: PARAMETER })
      .resolves({})
      .on(DeleteParameterCommand, { Name: `${PARAMETER}-gone` })
      .rejects(notFound())
      .on(DeleteParameterCommand, { Name: `${PARAMETER}-denied` })
      .rejects(new Error('AccessDeniedException'));

    // Act
    await vault.remove(PARAMETER);
    await vault.remove(`${PARAMETER}-gone`);

    // Assess
    expect(ssm).toHaveReceivedCommandTimes(DeleteParameterCommand, 2);
    await expect(vault.remove(`${PARAMETER}-denied`)).rejects.toThrow('AccessDeniedException');
  });
});

describe('Class: FolderCredentialVault', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps each parameter in a file only its owner reads, and forgets it on removal', async () => {
    // Prepare
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'vault-')), 'parameters');
    dirs.push(path.dirname(dir));
    const vault = new FolderCredentialVault(dir);

    // Act
    await vault.put(PARAMETER, 'key-acme');
    await vault.put(PARAMETER, 'key-acme-rotated');
    const read = await vault.read(PARAMETER);
    const files = await readdir(dir);
    const mode = (await stat(path.join(dir, files[0] ?? ''))).mode & 0o777;
    await vault.remove(PARAMETER);
    await vault.remove(PARAMETER);

    // Assess
    expect(read).toBe('key-acme-rotated');
    expect(files).toHaveLength(1);
    expect(mode).toBe(0o600);
    expect(await vault.read(PARAMETER)).toBeUndefined();
  });
});
