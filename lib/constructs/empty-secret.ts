// A Secrets Manager secret created without a value: the template never holds a credential, the deployer fills it.
import { Validations } from 'aws-cdk-lib';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class EmptySecret extends Construct {
  /** The complete ARN (CloudFormation `Ref`). */
  readonly secretArn: string;

  /** @param description says what to store, e.g. "the Pleo API key". */
  constructor(scope: Construct, id: string, description: string) {
    super(scope, id);
    // The L1 resource on purpose: the L2 `Secret` would generate a random value that looks like a real one.
    const secret = new CfnSecret(this, 'Resource', { description });
    this.secretArn = secret.ref;
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is issued by a third party (Pleo, Slack) and cannot be rotated by a Lambda here; the deployer replaces it when the issuer does.',
    });
  }
}
