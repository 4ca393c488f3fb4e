// Runs the demo Export API on its own: `npx tsx local/demo-api/cli.ts [--port N]`. Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { DEMO_COMPANIES } from './seed.js';
import { startDemoApi } from './server.js';

const NEW_FAILURE_EVERY_MS = 20_000;
const API_KEY = 'demo-key';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  process.exit(2);
}

const api = await startDemoApi({ port, apiKeys: [API_KEY], newFailureEveryMs: NEW_FAILURE_EVERY_MS });
console.log(`Demo Pleo Export API listening on ${api.url}`);
console.log(`API key: ${API_KEY} (HTTP Basic user name, empty password)`);
console.log(
  `Try: curl -u ${API_KEY}: '${api.url}/v2/export-jobs?statuses=failed&statuses=completed_with_errors'`,
);
console.log(`Companies: ${DEMO_COMPANIES.map((company) => `${company.name} (${company.id})`).join(', ')}`);
console.log(`A new failure appears every ${NEW_FAILURE_EVERY_MS / 1000} s. Ctrl-C stops.`);

const stop = (): void => {
  api.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('Failed to stop the demo API cleanly', error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
