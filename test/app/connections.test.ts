import { describe, expect, it } from 'vitest';
import { removeConnection } from '../../functions/app/connections.js';
import type { ConnectionStore, CredentialVault } from '../../functions/app/ports.js';
import type { ConnectionRecord } from '../../functions/contracts/connection.js';

const NORDLYS: ConnectionRecord = {
  name: 'nordlys',
  companyId: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02',
  credential: { kind: 'parameter', name: '/pleo-export-alerts/Alerts/connections/nordlys' },
  addedAt: '2026-12-02T10:00:00.000Z',
};

function parts(waiting: number) {
  const records = new Map([[NORDLYS.name, NORDLYS]]);
  const parameters = new Set([NORDLYS.credential.kind === 'parameter' ? NORDLYS.credential.name : '']);
  const store: Pick<ConnectionStore, 'get' | 'remove'> = {
    get: async (name) => records.get(name),
    remove: async (name) => {
      const record = records.get(name);
      records.delete(name);
      return record;
    },
  };
  const vault: Pick<CredentialVault, 'remove'> = { remove: async (name) => void parameters.delete(name) };
  const deps = {
    store: store as ConnectionStore,
    vault: vault as CredentialVault,
    undelivered: async () => waiting,
  };
  return { deps, records, parameters };
}

describe('Function: removeConnection', () => {
  it('refuses while the connection has messages waiting to go out, changing nothing', async () => {
    // Prepare
    const { deps, records, parameters } = parts(2);

    // Act
    const removing = removeConnection(deps, 'nordlys');

    // Assess
    await expect(removing).rejects.toThrow(
      'nordlys has 2 messages waiting to go out: its next poll delivers them, remove it after that (status shows the outbox)',
    );
    expect(records.size).toBe(1);
    expect(parameters.size).toBe(1);
  });

  it('removes the record and the key once nothing waits', async () => {
    // Prepare
    const { deps, records, parameters } = parts(0);

    // Act
    const removed = await removeConnection(deps, 'nordlys');

    // Assess
    expect(removed).toEqual(NORDLYS);
    expect(records.size).toBe(0);
    expect(parameters.size).toBe(0);
  });
});
