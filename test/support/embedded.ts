// Every part embedded, as `npm start` runs with no overrides: the demo Export API on `store`, dynalite, fauxqs.
import type { DemoStore } from '../../local/demo-api/store.js';
import { type LocalParts, startLocalParts } from '../../local/parts.js';

const OVERRIDES = ['PLEO_API_URL', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS', 'PLEO_COMPANIES'];

export function startEmbedded(store: DemoStore): Promise<LocalParts> {
  for (const key of OVERRIDES) delete process.env[key];
  return startLocalParts({ env: process.env, newFailureEveryMs: 0, demoStore: store });
}
