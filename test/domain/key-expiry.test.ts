import { describe, expect, it } from 'vitest';
import { type KeyExpiryMark, keyExpiryNotice } from '../../functions/domain/key-expiry.js';

const DAY = 86_400_000;
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const connection = (expiresOn?: string) => ({
  name: 'acme',
  companyId: ACME.id,
  companies: [ACME],
  expiresOn,
});

/** Polls once a day from `from` for `days` days, keeping the mark as the poll would; the days something went out. */
function dailyPolls(expiresOn: string | undefined, from: string, days: number, watchingSince = from) {
  let mark: KeyExpiryMark = {};
  const sent: Array<{ day: string; detail: string | null | undefined }> = [];
  for (let i = 0; i < days; i++) {
    const now = new Date(Date.parse(from) + i * DAY);
    const notice = keyExpiryNotice(connection(expiresOn), mark, watchingSince, now);
    if (!notice) continue;
    mark = notice.mark;
    sent.push({ day: now.toISOString().slice(0, 10), detail: notice.alert.jobs[0]?.failureReason });
  }
  return sent;
}

describe('Function: keyExpiryNotice', () => {
  it('warns 30, 7 and 1 days before the expiry date, once each, naming the connection and its company', () => {
    // Act
    const sent = dailyPolls('2027-03-01', '2027-01-01T09:00:00Z', 70);

    // Assess
    expect(sent.map(({ day }) => day)).toEqual(['2027-01-30', '2027-02-22', '2027-02-28']);
    expect(sent[0]?.detail).toBe(
      'The API key of connection acme for Acme ApS expires on 2027-03-01 (in 30 days); from then Pleo refuses it.',
    );
    expect(sent[2]?.detail).toContain('(tomorrow)');
  });

  it('warns once, at the nearest threshold, when the alerter was away past the others', () => {
    // Prepare
    const mark = { warned: { expiresOn: '2027-03-01', days: 30 } };

    // Act
    const notice = keyExpiryNotice(
      connection('2027-03-01'),
      mark,
      '2026-01-01T00:00:00Z',
      new Date('2027-02-28T06:00:00Z'),
    );
    const again =
      notice &&
      keyExpiryNotice(
        connection('2027-03-01'),
        notice.mark,
        '2026-01-01T00:00:00Z',
        new Date('2027-02-28T20:00:00Z'),
      );

    // Assess
    expect(notice?.mark.warned).toEqual({ expiresOn: '2027-03-01', days: 1 });
    expect(notice?.alert).toMatchObject({
      reason: 'pleo_api_key_expiring',
      companyName: 'connection acme for Acme ApS',
    });
    expect(again).toBeUndefined();
  });

  it('warns again for a new expiry date once its own thresholds come', () => {
    // Prepare: the key was warned about and renewed until next year.
    const mark = { warned: { expiresOn: '2027-03-01', days: 1 } };

    // Act
    const far = keyExpiryNotice(
      connection('2028-03-01'),
      mark,
      '2026-01-01T00:00:00Z',
      new Date('2027-03-01T12:00:00Z'),
    );
    const near = keyExpiryNotice(
      connection('2028-03-01'),
      mark,
      '2026-01-01T00:00:00Z',
      new Date('2028-02-20T12:00:00Z'),
    );

    // Assess
    expect(far).toBeUndefined();
    expect(near?.mark.warned).toEqual({ expiresOn: '2028-03-01', days: 30 });
  });

  it('reminds to record an unknown expiry 335 days after watching began, then yearly', () => {
    // Act
    const sent = dailyPolls(undefined, '2027-01-01T09:00:00Z', 366 * 2 + 10);

    // Assess
    expect(sent.map(({ day }) => day)).toEqual(['2027-12-02', '2028-12-01']);
    expect(sent[0]?.detail).toContain(
      'Nobody recorded when the API key of connection acme for Acme ApS expires',
    );
  });

  it('says nothing about an unknown expiry before the first poll', () => {
    expect(keyExpiryNotice(connection(), {}, undefined, new Date('2030-01-01T00:00:00Z'))).toBeUndefined();
  });
});
