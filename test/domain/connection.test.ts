import { describe, expect, it } from 'vitest';
import {
  type Connection,
  connectionFromEnvEntry,
  connectionFromRecord,
  describeConnection,
  polledCompanies,
  pollRequests,
} from '../../functions/domain/connection.js';

const ACME = '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01';
const NORDLYS = '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02';
const BERGMANN = 'b2d4f6a8-1c3e-4a5b-9c7d-8e9f0a1b2c03';

const connection = (name: string, covers: { companyId?: string; companies?: string[] } = {}): Connection => ({
  name,
  stack: false,
  companyId: covers.companyId,
  companies: (covers.companies ?? []).map((id) => ({ id })),
  credential: { kind: 'apiKey', apiKey: `key-${name}` },
});

describe('Function: pollRequests', () => {
  it.each<[string, Connection[], string[][]]>([
    [
      'one request per connection when none share a company',
      [connection('a', { companyId: ACME }), connection('b', { companyId: NORDLYS })],
      [['a'], ['b']],
    ],
    [
      'connections of one company together, in the order they come',
      [
        connection('a', { companyId: ACME }),
        connection('b', { companyId: NORDLYS }),
        connection('c', { companyId: ACME }),
      ],
      [['a', 'c'], ['b']],
    ],
    [
      'an organisation key listing companies one by one with each company key it overlaps',
      [
        connection('a', { companyId: ACME }),
        connection('b', { companyId: NORDLYS }),
        connection('org', { companies: [NORDLYS, ACME] }),
        connection('c', { companyId: BERGMANN }),
      ],
      [['a', 'b', 'org'], ['c']],
    ],
    [
      'organisation-wide connections together, apart from company keys',
      [connection('org1'), connection('a', { companyId: ACME }), connection('org2')],
      [['org1', 'org2'], ['a']],
    ],
    [
      'ids in either case as one company',
      [connection('a', { companyId: ACME }), connection('b', { companyId: ACME.toUpperCase() })],
      [['a', 'b']],
    ],
    ['nothing for no connections', [], []],
  ])('puts %s', (_case, connections, expected) => {
    // Act
    const requests = pollRequests(connections);

    // Assess
    expect(requests).toEqual(expected.map((names) => ({ connections: names })));
  });
});

describe('Connections from their sources', () => {
  it('reads a stored record, its key in a parameter, its company named among its companies', () => {
    // Act
    const read = connectionFromRecord({
      name: 'acme',
      companyId: ACME,
      companies: [{ id: ACME, name: 'Acme ApS' }],
      credential: { kind: 'parameter', name: '/pleo-export-alerts/s/connections/acme' },
      expiresOn: '2027-01-31',
      addedAt: '2026-12-01T10:00:00Z',
    });

    // Assess
    expect(read).toMatchObject({
      name: 'acme',
      stack: false,
      credential: { kind: 'parameter', name: '/pleo-export-alerts/s/connections/acme' },
      expiresOn: '2027-01-31',
    });
    expect(polledCompanies(read)).toEqual([{ id: ACME, name: 'Acme ApS' }]);
    expect(describeConnection(read)).toBe('connection acme for Acme ApS');
  });

  it.each<[string, Record<string, string>, Connection['credential']]>([
    ['apiKey', { apiKey: 'k' }, { kind: 'apiKey', apiKey: 'k' }],
    ['apiToken', { apiToken: 't' }, { kind: 'bearer', token: 't' }],
    ['parameter', { parameter: '/p' }, { kind: 'parameter', name: '/p' }],
    ['secretArn', { secretArn: 'arn:s' }, { kind: 'secret', secretArn: 'arn:s' }],
  ])('reads a PLEO_CONNECTIONS entry with %s', (_case, credential, expected) => {
    // Act
    const read = connectionFromEnvEntry({ name: 'org', ...credential });

    // Assess
    expect(read.credential).toEqual(expected);
    expect(describeConnection(read)).toBe('connection org for the whole organisation');
  });
});
