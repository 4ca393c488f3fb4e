// `npm start`'s actions endpoint: the Lambda's endpoint code (functions/handlers/actions) behind a node:http server
// on 127.0.0.1, so a Slack click (through a tunnel to this port) or an email's link is checked and acted on exactly
// as in AWS, on the run's own table.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Log } from '../functions/app/ports.js';
import { type ActionsConfig, parseActionsConfig } from '../functions/config/actions.js';
import { ENV } from '../functions/config/env.js';
import { type ActionsRuntime, createActions } from '../functions/handlers/actions/compose.js';
import { SLACK_ACTIONS_PATH } from '../functions/handlers/actions/endpoint.js';

/** Larger bodies are refused: a click's payload is a few kilobytes. */
const MAX_BODY_BYTES = 256 * 1024;

export interface ActionsServer {
  /** The endpoint's base URL, ending in `/`. */
  url: string;
  /** Slack's Request URL on it. */
  slackUrl: string;
  close(): Promise<void>;
}

export async function startActionsServer(
  config: ActionsConfig,
  runtime: ActionsRuntime & { log: Log },
): Promise<ActionsServer> {
  const endpoint = createActions(config, runtime);
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const rawBody = await readBody(req);
        if (rawBody === undefined) {
          res.writeHead(413, { 'content-type': 'text/plain' }).end('Too large');
          return;
        }
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        const response = await endpoint({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.search.slice(1),
          headers,
          rawBody,
        });
        res
          .writeHead(response.status, response.headers)
          .end(req.method === 'HEAD' ? undefined : response.body);
      } catch (error) {
        runtime.log.error('The local actions endpoint failed', { error });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `ACTIONS_PORT: port ${config.actionsPort} on 127.0.0.1 is in use; set ACTIONS_PORT to a free one`,
            )
          : error,
      ),
    );
    server.listen(config.actionsPort, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    slackUrl: `${url}${SLACK_ACTIONS_PATH.slice(1)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body's bytes as they came, or undefined past the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * With `SLACK_SIGNING_SECRET` set, serves the actions endpoint for `npm start`: Slack's buttons and the emails'
 * links (signed with `EMAIL_LINK_KEY`, made up when not set) point at it. Sets what the poller then reads
 * (`ACTIONS_URL`, `SLACK_ACTIONS`); undefined when Slack's secret is not set.
 * @throws {ConfigError} naming a bad or missing variable (`SLACK_TEAM_ID` is required with the secret).
 */
export async function startLocalActions(
  env: NodeJS.ProcessEnv,
  runtime: ActionsRuntime & { log: Log },
  /** The embedded demo API's key, which may create export jobs there too: Retry export is then offered. */
  demoKey?: string,
): Promise<{ server: ActionsServer; description: string[] } | undefined> {
  if (!env[ENV.SLACK_SIGNING_SECRET]) return undefined;
  env[ENV.EMAIL_LINK_KEY] ??= randomBytes(32).toString('hex');
  if (demoKey !== undefined) env[ENV.PLEO_RETRY_KEY] ??= demoKey;
  if (env[ENV.PLEO_RETRY_KEY] || env[ENV.PLEO_RETRY_KEY_SECRET_ARN]) env[ENV.RETRY_EXPORTS] ??= 'true';
  const server = await startActionsServer(parseActionsConfig(env), runtime);
  env[ENV.ACTIONS_URL] = server.url;
  env[ENV.SLACK_ACTIONS] ??= 'true';
  return {
    server,
    description: [
      `Actions: Slack's Request URL ${server.slackUrl} (give Slack a tunnel to it); the emails' links open here too`,
    ],
  };
}
