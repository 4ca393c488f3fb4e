// The CLI's contract with a shell: exit codes 0/1/2, the usage line on bad usage, the alerter found by --stack or
// the environment, and the package's bin working as `npx pleo-export-alerts` runs it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveDeployment } from '../../cli/deployment.js';
import { cli } from '../support/cli.js';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe('the CLI', () => {
  it('answers bad usage with one line, the usage line, and exit code 2', async () => {
    // Act
    const unknownCommand = await cli(['statsu']);
    const unknownOption = await cli(['status', '--verbose']);
    const stray = await cli(['status', 'now']);
    const none = await cli([]);

    // Assess
    expect(unknownCommand).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'pleo-export-alerts: unknown command "statsu"\nusage: pleo-export-alerts <command> [options] [--stack <name>] [--json]\n',
    });
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe(
      "pleo-export-alerts: Unknown option '--verbose'\nusage: pleo-export-alerts status [--stack <name>] [--json]\n",
    );
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "now"');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Commands:\n  status');
  });

  it('says which alerter is missing, with exit code 1, when neither --stack nor TABLE_NAME names one', async () => {
    // Act
    const result = await cli(['status'], { AWS_REGION: 'eu-west-1' });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'pleo-export-alerts: no alerter given: name its stack with --stack <name>, or set TABLE_NAME (with AWS_ENDPOINT_URL_DYNAMODB for a table on this machine)\n',
    );
  });

  it("reads a stack's outputs for its table, topic and queues", async () => {
    // Prepare
    const outputs = {
      StateTableName: 'alerts-table',
      AlertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      PollDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/poll-dlq',
      DeliveryDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/delivery-dlq',
    };

    // Act
    const deployment = await resolveDeployment(
      'PleoExportAlerts',
      { AWS_REGION: 'eu-west-1' },
      async (name) => (name === 'PleoExportAlerts' ? outputs : {}),
    );
    const other = resolveDeployment('SomethingElse', { AWS_REGION: 'eu-west-1' }, async () => ({ Url: 'x' }));

    // Assess
    expect(deployment).toMatchObject({
      source: 'stack PleoExportAlerts',
      tableName: 'alerts-table',
      topicArn: outputs.AlertTopicArn,
      pollDeadLetterQueueUrl: outputs.PollDeadLetterQueueUrl,
      deliveryDeadLetterQueueUrl: outputs.DeliveryDeadLetterQueueUrl,
    });
    await expect(other).rejects.toThrow(
      "stack SomethingElse has no output StateTableName: is it this alerter's stack?",
    );
  });

  it('runs as the package bin through npx, on a clean checkout', async () => {
    // Act
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'pleo-export-alerts', '--help'], {
      cwd: ROOT,
      env: { ...process.env, TABLE_NAME: '' },
    });

    // Assess
    expect(stdout).toMatch(/^usage: pleo-export-alerts <command>/);
  });
});
