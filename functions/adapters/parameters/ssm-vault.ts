// adapts SSM Parameter Store to the CredentialVault port: each key a SecureString parameter encrypted with the
// stack's KMS key. Standard tier: free, and 4 KB holds any Pleo key or token.
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { CredentialVault } from '../../app/ports.js';

export class SsmCredentialVault implements CredentialVault {
  constructor(
    private readonly client: SSMClient,
    /** The stack's KMS key (ARN or id): SSM encrypts each value with it, and the poller may decrypt with it only. */
    private readonly keyId: string,
  ) {}

  async put(name: string, value: string): Promise<void> {
    await this.client.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: 'SecureString',
        KeyId: this.keyId,
        Tier: 'Standard',
        // A key rotated, or left behind by a removal that stopped half-way, is replaced.
        Overwrite: true,
        Description: 'Pleo API key of a pleo-export-alerts connection',
      }),
    );
  }

  async read(name: string): Promise<string | undefined> {
    try {
      const { Parameter } = await this.client.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      return Parameter?.Value;
    } catch (error) {
      if (error instanceof ParameterNotFound) return undefined;
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteParameterCommand({ Name: name }));
    } catch (error) {
      if (!(error instanceof ParameterNotFound)) throw error;
    }
  }
}
