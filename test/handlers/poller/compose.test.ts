// The composition root's edge wording: what the core reports, said in terms of the settings that fix it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganisationListingRefusedError } from '../../../functions/app/errors.js';
import type { Log } from '../../../functions/app/ports.js';
import { parsePollerConfig } from '../../../functions/config/poller.js';
import type { Connection } from '../../../functions/domain/connection.js';
import { createPoller } from '../../../functions/handlers/poller/compose.js';
import { MissingKeyError } from '../../../functions/handlers/poller/credential.js';
import { startTestTable } from '../../support/dynamo.js';

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const REFUSAL = { type: 'bad_request', message: 'company_id is required' };

describe('Function: createPoller', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let pleo: Server;
  let pleoUrl: string;

  beforeAll(async () => {
    table = await startTestTable();
    // A multi-entity organisation's Pleo: every organisation-wide listing is refused.
    pleo = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(REFUSAL));
    });
    await new Promise<void>((resolve) => pleo.listen(0, '127.0.0.1', resolve));
    pleoUrl = `http://127.0.0.1:${(pleo.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => pleo.close(resolve));
    await table.close();
  });

  it('names the setting that lists companies when Pleo refuses the organisation-wide listing', async () => {
    // Prepare
    const poller = createPoller(
      parsePollerConfig({
        PLEO_API_URL: pleoUrl,
        PLEO_API_KEY: 'the-key',
        PLEO_MAX_REQUESTS_PER_SECOND: '0',
        TABLE_NAME: table.tableName,
        ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      }),
      {
        dynamo: table.doc,
        readSecret: async () => undefined,
        readParameter: async () => undefined,
        log: silent,
      },
    );

    // Act
    const error = await poller.poll().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(OrganisationListingRefusedError);
    expect(error).toHaveProperty(
      'message',
      'GET /v2/export-jobs answered 400: bad_request: company_id is required (the whole organisation was listed ' +
        'at once: a multi-entity organisation must name its companies in PLEO_COMPANIES, stack context "companies")',
    );
  });

  describe("with the stack's own secret left empty", () => {
    const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo-api-key';
    const stored: Connection = {
      name: 'acme',
      stack: false,
      companyId: 'c0',
      companies: [{ id: 'c0', name: 'Acme ApS' }],
      credential: { kind: 'apiKey', apiKey: 'acme-key' },
    };
    const pollerWith = (connections: Connection[], log: Log = silent) =>
      createPoller(
        parsePollerConfig({
          PLEO_API_URL: pleoUrl,
          PLEO_CREDENTIAL_SECRET_ARN: SECRET_ARN,
          TABLE_NAME: table.tableName,
          ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
        }),
        {
          dynamo: table.doc,
          readSecret: async () => undefined,
          readParameter: async () => undefined,
          log,
          connections: async () => connections,
        },
      );

    it('skips the stack connection, saying so, when connections stored with the CLI are polled instead', async () => {
      // Prepare
      const said: string[] = [];
      const poller = pollerWith([stored], { ...silent, info: (message) => said.push(message) });

      // Act
      const outcome = await poller.poll();

      // Assess
      expect(outcome).toMatchObject({
        skipped: true,
        pleoRequests: 0,
        connection: poller.stackConnection.name,
      });
      expect(said).toEqual(["The stack's own Pleo key is not set: only the stored connections are polled"]);
    });

    it('fails the poll, naming the secret, while no connection is stored either', async () => {
      // Act
      const error = await pollerWith([])
        .poll()
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(MissingKeyError);
      expect(String(error)).toContain(`the Pleo API key secret ${SECRET_ARN} is empty`);
    });
  });
});
