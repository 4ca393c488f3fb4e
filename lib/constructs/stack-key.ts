// The stack's one KMS key: the alert topic, the functions' log groups and the state table are encrypted with it.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * One key rather than one per use: a customer-managed key costs $1 a month, and each service's use is told apart
 * in the policies instead (`kms:ViaService` for the functions, the encryption context for CloudWatch Logs).
 */
export class StackKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Pleo export alerter: its alert topic, log groups and state table',
      enableKeyRotation: true,
      // Kept with the state table (retained too), which cannot be read without it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Control Tower's CT.KMS.PR.3: a grant only for an AWS resource using the key (DynamoDB creates its own).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyGrantsOtherThanForAwsResources',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );

    // CloudWatch Logs encrypts the log groups of this account and region with it, and only those.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
          },
        },
      }),
    );
  }
}
