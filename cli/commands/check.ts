// `check`: the deployment's health on one screen: its parts found, the secrets filled, Pleo accepting the key for
// each company, the Slack secret holding a Slack webhook address, someone subscribed, and the alarms' states.
// Exit 1 when something is wrong, naming each thing.

import { parameterStoreReader } from '../../functions/adapters/parameters/parameter-reader.js';
import { PleoClient } from '../../functions/adapters/pleo/client.js';
import { secretsManagerReader } from '../../functions/adapters/secrets/secret-reader.js';
import { webhookUrlFromSecret } from '../../functions/adapters/slack/webhook-url.js';
import { PleoCredentialsError } from '../../functions/app/errors.js';
import { type PollerConfig, parsePollerConfig } from '../../functions/config/poller.js';
import { resolveCredential } from '../../functions/handlers/poller/credential.js';
import { formatUtc } from '../../functions/render/text.js';
import { COMMON_USAGE, noPositionals, parseCommand } from '../args.js';
import { alarmStates, pollerEnvironment, stateOf, topicSubscriptions } from '../aws.js';
import type { Command } from '../command.js';
import type { Deployment } from '../deployment.js';

const USAGE = `check ${COMMON_USAGE}`;

interface Finding {
  check: string;
  ok: boolean;
  detail: string;
}

export const check: Command = {
  name: 'check',
  usage: USAGE,
  summary: 'is the deployment healthy: secrets, Pleo key and scope, Slack webhook, subscribers, alarms',
  async run({ argv, io, deployment }) {
    const { values, positionals } = parseCommand(argv, {}, USAGE);
    noPositionals(positionals, USAGE);
    const target = await deployment(values.stack);
    const findings: Finding[] = [
      { check: 'alerter', ok: true, detail: `${target.source} (table ${target.tableName})` },
      ...(await table(target)),
      ...(await pleo(target, io.env)),
      ...(await slack(target)),
      ...(await subscribers(target)),
      ...(await alarms(target)),
    ];
    return {
      json: { ok: findings.every((finding) => finding.ok), findings },
      text: findings.map((finding) => `${finding.ok ? 'ok  ' : 'FAIL'}  ${finding.check}: ${finding.detail}`),
      problems: findings
        .filter((finding) => !finding.ok)
        .map((finding) => `${finding.check}: ${finding.detail}`),
    };
  },
};

async function table(target: Deployment): Promise<Finding[]> {
  const access = stateOf(target);
  try {
    const health = await access.state.pollerHealth();
    return [
      {
        check: 'last successful poll',
        ok: health.lastSuccessAt !== undefined,
        detail: health.lastSuccessAt ? formatUtc(health.lastSuccessAt) : 'none yet: has the schedule run?',
      },
    ];
  } catch (error) {
    return [{ check: 'state table', ok: false, detail: `cannot be read: ${oneLine(error)}` }];
  } finally {
    access.close();
  }
}

/** The poller's settings, its key (from the secret), and one listing per company with it. */
async function pleo(target: Deployment, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  let config: PollerConfig;
  try {
    config = parsePollerConfig(await pollerEnvironment(target, env));
  } catch (error) {
    return [{ check: "poller's settings", ok: false, detail: oneLine(error) }];
  }
  let client: PleoClient;
  try {
    const credential = await resolveCredential(config.stackConnection, {
      readSecret: secretsManagerReader(),
      readParameter: parameterStoreReader(),
    });
    client = new PleoClient({
      baseUrl: config.pleoApiUrl,
      credential,
      retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000, budgetMs: 5_000 },
    });
  } catch (error) {
    return [{ check: 'Pleo API key', ok: false, detail: oneLine(error) }];
  }
  const scopes =
    config.companies.length > 0 ? config.companies : [{ id: undefined, name: 'the whole organisation' }];
  const since = new Date(Date.now() - 86_400_000);
  const findings: Finding[] = [];
  for (const company of scopes) {
    const label = `Pleo key for ${company.name ?? company.id}`;
    try {
      for await (const _page of client.listJobs({ statuses: ['failed'], companyId: company.id, since }))
        break;
      findings.push({
        check: label,
        ok: true,
        detail: `lists export jobs at ${new URL(config.pleoApiUrl).host}`,
      });
    } catch (error) {
      const detail =
        error instanceof PleoCredentialsError
          ? `Pleo answered ${error.status}: the key is wrong, expired, or lacks the export-jobs:read scope${company.id ? ' for this company' : ''}`
          : oneLine(error);
      findings.push({ check: label, ok: false, detail });
    }
  }
  return findings;
}

async function slack(target: Deployment): Promise<Finding[]> {
  if (!target.slackWebhookSecretArn) return [];
  try {
    await webhookUrlFromSecret(target.slackWebhookSecretArn, secretsManagerReader())();
    return [{ check: 'Slack webhook secret', ok: true, detail: 'holds a Slack incoming webhook address' }];
  } catch (error) {
    return [{ check: 'Slack webhook secret', ok: false, detail: oneLine(error) }];
  }
}

async function subscribers(target: Deployment): Promise<Finding[]> {
  if (!target.topicArn)
    return [
      { check: 'alert topic', ok: false, detail: 'not known here: give --stack, or set ALERT_TOPIC_ARN' },
    ];
  try {
    const subscriptions = await topicSubscriptions(target.topicArn);
    if (subscriptions.length === 0)
      return [{ check: 'subscriptions', ok: false, detail: 'none: nobody receives the alerts' }];
    return subscriptions.map((s) => ({
      check: `subscription ${s.protocol} ${s.endpoint}`,
      ok: s.confirmed,
      detail: s.confirmed
        ? 'confirmed'
        : 'pending confirmation: it receives nothing until confirmed (README, "Deploy")',
    }));
  } catch (error) {
    return [{ check: 'alert topic', ok: false, detail: oneLine(error) }];
  }
}

async function alarms(target: Deployment): Promise<Finding[]> {
  if (!target.stackName) return [];
  try {
    return (await alarmStates(target.stackName)).map((alarm) => ({
      check: `alarm ${alarm.name}`,
      ok: alarm.state !== 'ALARM',
      detail: alarm.state === 'ALARM' ? `in ALARM: ${alarm.reason}` : alarm.state,
    }));
  } catch (error) {
    return [{ check: 'alarms', ok: false, detail: `cannot be read: ${oneLine(error)}` }];
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 300) ?? text;
}
