import { describe, expect, it } from 'vitest';
import {
  type ActionGrant,
  signActionToken,
  verifyActionToken,
} from '../../functions/contracts/action-token.js';

const KEY = 'k'.repeat(64);
const NOW = new Date('2026-12-02T10:42:00Z');
const GRANT: ActionGrant = {
  action: 'snooze',
  companyId: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01',
  reason: 'missing_configuration',
  alertId: 'a'.repeat(32),
  expiresAt: new Date('2026-12-09T10:42:00Z'),
};

/** The token with one character of its payload changed, the signature kept. */
function tamper(token: string, at: number): string {
  const chars = [...token];
  chars[at] = chars[at] === 'A' ? 'B' : 'A';
  return chars.join('');
}

describe('email action tokens', () => {
  it('grant the action on the group and message they were signed for', () => {
    // Prepare
    const token = signActionToken(GRANT, KEY);

    // Act
    const verdict = verifyActionToken(token, KEY, NOW);

    // Assess
    expect(verdict).toEqual({ ok: true, grant: GRANT, tokenId: token.split('.')[1] });
  });

  it('fit in a URL as they are', () => {
    const token = signActionToken(GRANT, KEY);

    expect(encodeURIComponent(token)).toBe(token);
  });

  it.each<[string, (token: string) => string]>([
    ['a changed payload', (token) => tamper(token, 5)],
    ['a changed signature', (token) => tamper(token, token.length - 3)],
    ['no signature', (token) => token.split('.')[0] ?? ''],
    ['an extra part', (token) => `${token}.x`],
    ['another action in the same signature', (token) => swapPayload(token, { ...GRANT, action: 'mute' })],
    [
      'another company in the same signature',
      (token) => swapPayload(token, { ...GRANT, companyId: 'other' }),
    ],
    ['another message in the same signature', (token) => swapPayload(token, { ...GRANT, alertId: 'b' })],
    [
      'a later expiry in the same signature',
      (token) => swapPayload(token, { ...GRANT, expiresAt: new Date(9e12) }),
    ],
    ['an empty text', () => ''],
  ])('refuse %s as tampered', (_case, change) => {
    const token = change(signActionToken(GRANT, KEY));

    expect(verifyActionToken(token, KEY, NOW)).toEqual({ ok: false, problem: 'tampered' });
  });

  it('refuse a token signed with another key as tampered', () => {
    const token = signActionToken(GRANT, 'another key');

    expect(verifyActionToken(token, KEY, NOW)).toEqual({ ok: false, problem: 'tampered' });
  });

  it('refuse a token from its expiry on', () => {
    const token = signActionToken(GRANT, KEY);

    expect(verifyActionToken(token, KEY, GRANT.expiresAt)).toEqual({ ok: false, problem: 'expired' });
    expect(verifyActionToken(token, KEY, new Date(GRANT.expiresAt.getTime() - 1000)).ok).toBe(true);
  });
});

/** A token whose payload is another grant's and whose signature is the original's. */
function swapPayload(token: string, grant: ActionGrant): string {
  const [payload] = signActionToken(grant, KEY).split('.');
  return `${payload}.${token.split('.')[1]}`;
}
