// The AWS clients and adapters the commands use, made as the Lambdas make theirs: region, credentials and
// endpoints (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, …) from the environment, so a local table or topic
// just works.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { DynamoAlertState } from '../functions/adapters/dynamodb/alert-state.js';
import { DynamoControlStore } from '../functions/adapters/dynamodb/controls.js';
import type { ControlDeps } from '../functions/app/controls.js';
import type { CompanyDirectory } from '../functions/app/ports.js';
import { ENV } from '../functions/config/env.js';
import { companies as companiesRule } from '../functions/config/rules.js';
import type { Deployment } from './deployment.js';

/** Job records are written by the poller only; the CLI's reads and control writes never depend on this. */
const UNUSED_RETENTION_DAYS = 1;

export interface StateAccess {
  state: DynamoAlertState;
  controls: DynamoControlStore;
  close: () => void;
}

/** The alerter's state table, read (and its controls written) through the poller's own adapters. */
export function stateOf(deployment: Deployment): StateAccess {
  const client = new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(client);
  return {
    state: new DynamoAlertState(doc, {
      tableName: deployment.tableName,
      retentionDays: UNUSED_RETENTION_DAYS,
    }),
    controls: new DynamoControlStore(doc, deployment.tableName),
    close: () => client.destroy(),
  };
}

/** What the control use cases need, over the table and the companies configured in PLEO_COMPANIES. */
export function controlDeps(access: StateAccess, env: NodeJS.ProcessEnv, now: () => Date): ControlDeps {
  return { controls: access.controls, history: access.state, companies: configuredCompanies(env), now };
}

/** The companies PLEO_COMPANIES configures, as `npm start` and the Lambda read it; none when it is not set. */
function configuredCompanies(env: NodeJS.ProcessEnv): CompanyDirectory {
  return {
    async companies() {
      const given = env[ENV.PLEO_COMPANIES];
      if (!given) return [];
      const parsed = z.safeParse(companiesRule, given);
      if (!parsed.success)
        throw new Error(`${ENV.PLEO_COMPANIES} is not a list of companies: ${parsed.error.message}`);
      return parsed.data.map((company) => ({ id: company.id, name: company.name ?? null }));
    },
  };
}
