import { describe, expect, it } from 'vitest';
import { DispatchError, dispatch } from '../../functions/app/dispatch.js';
import type { ConnectionListing, Log, PollQueue } from '../../functions/app/ports.js';
import type { ConnectionRecord, PollRequest } from '../../functions/contracts/connection.js';

const ACME = '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01';
const NORDLYS = '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02';
const FJORD = '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d03';

const record = (name: string, companyId: string): ConnectionRecord => ({
  name,
  companyId,
  credential: { kind: 'parameter', name: `/pleo-export-alerts/Alerts/connections/${name}` },
  addedAt: '2026-12-02T10:00:00.000Z',
});

function parts(listing: ConnectionListing, refuse: (request: PollRequest) => boolean = () => false) {
  const sent: PollRequest[] = [];
  const warnings: string[] = [];
  const queue: PollQueue = {
    send: async (requests) => {
      sent.push(...requests);
      return requests.filter(refuse);
    },
  };
  const log: Log = { info: () => {}, warn: (message) => warnings.push(message), error: () => {} };
  return {
    sent,
    warnings,
    deps: {
      store: { list: async () => listing },
      queue,
      stackConnection: { name: 'Alerts', companies: [{ id: ACME, name: 'Acme ApS' }] },
      log,
    },
  };
}

describe('Function: dispatch', () => {
  it('sends one request per group of connections covering a company in common, the stack’s own among them', async () => {
    // Prepare: a stored key for Acme beside the stack's own, and two more companies.
    const { deps, sent } = parts({
      connections: [record('acme-bookkeeper', ACME), record('nordlys', NORDLYS), record('fjord', FJORD)],
      malformed: [],
    });

    // Act
    const report = await dispatch(deps);

    // Assess
    expect(sent).toEqual([
      { connections: ['Alerts', 'acme-bookkeeper'] },
      { connections: ['nordlys'] },
      { connections: ['fjord'] },
    ]);
    expect(report).toEqual({ connections: 4, requests: 3, malformedConnections: 0 });
  });

  it("leaves out a malformed record and one named like the stack's own connection, saying so", async () => {
    // Prepare
    const { deps, sent, warnings } = parts({
      connections: [record('Alerts', NORDLYS), record('fjord', FJORD)],
      malformed: [{ name: 'by-hand', problem: 'credential: Invalid input' }],
    });

    // Act
    const report = await dispatch(deps);

    // Assess
    expect(sent).toEqual([{ connections: ['Alerts'] }, { connections: ['fjord'] }]);
    expect(report.malformedConnections).toBe(1);
    expect(warnings).toHaveLength(2);
  });

  it('sends every request it can, then fails naming the connections the queue did not take', async () => {
    // Prepare
    const { deps, sent } = parts(
      { connections: [record('nordlys', NORDLYS), record('fjord', FJORD)], malformed: [] },
      (request) => request.connections.includes('nordlys'),
    );

    // Act
    const dispatched = dispatch(deps);

    // Assess
    await expect(dispatched).rejects.toThrow(
      new DispatchError('The poll queue did not take 1 of 3 poll requests: nordlys not polled this tick'),
    );
    expect(sent).toHaveLength(3);
  });
});
