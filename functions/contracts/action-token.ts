// The signed token in an email's action link: the poller signs it into the email, the actions Lambda checks it.
// Bound to one message and one action, and expiring: a link forwarded or kept cannot do anything else, or later.
// `<payload>.<signature>`, both base64url; the signature is HMAC-SHA256 over the payload with the stack's key.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { ACTION_NAMES, type ActionName, type ActionTarget } from '../domain/actions.js';

/** How long an email's links act: a week of reminders, then a fresh email carries fresh links. */
export const EMAIL_LINK_LIFETIME_MS = 7 * 86_400_000;

/** Where the actions endpoint serves an email's links: a GET shows what the link would do, a POST does it. */
export const EMAIL_ACTIONS_PATH = '/email/actions';

/** The link carrying `token`, on the actions endpoint at `baseUrl`. */
export function emailActionLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${EMAIL_ACTIONS_PATH}?t=${token}`;
}

export interface ActionGrant extends ActionTarget {
  action: ActionName;
  expiresAt: Date;
}

const payloadSchema = z.object({
  v: z.literal(1),
  a: z.enum(ACTION_NAMES),
  c: z.string(),
  r: z.string(),
  m: z.string(),
  n: z.optional(z.string()),
  e: z.number(),
});

/** Signs a grant of `action` on `target` until `expiresAt`. */
export function signActionToken(grant: ActionGrant, key: string): string {
  const payload = {
    v: 1,
    a: grant.action,
    c: grant.companyId,
    r: grant.reason,
    m: grant.alertId,
    ...(grant.connection === undefined ? {} : { n: grant.connection }),
    e: Math.floor(grant.expiresAt.getTime() / 1000),
  } satisfies z.infer<typeof payloadSchema>;
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${mac(encoded, key)}`;
}

export type TokenVerdict =
  | { ok: true; grant: ActionGrant; tokenId: string }
  | { ok: false; problem: 'tampered' | 'expired' };

/** What the token grants, if `key` signed it and it has not expired; `tokenId` names it for the once-ledger. */
export function verifyActionToken(token: string, key: string, now: Date): TokenVerdict {
  const [encoded, signature, ...rest] = token.split('.');
  if (encoded === undefined || signature === undefined || rest.length > 0)
    return { ok: false, problem: 'tampered' };
  const expected = Buffer.from(mac(encoded, key));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, problem: 'tampered' };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'tampered' };
  }
  const parsed = z.safeParse(payloadSchema, json);
  if (!parsed.success) return { ok: false, problem: 'tampered' };
  const { a, c, r, m, n, e } = parsed.data;
  const expiresAt = new Date(e * 1000);
  if (now >= expiresAt) return { ok: false, problem: 'expired' };
  return {
    ok: true,
    grant: {
      action: a,
      companyId: c,
      reason: r,
      alertId: m,
      ...(n === undefined ? {} : { connection: n }),
      expiresAt,
    },
    tokenId: signature,
  };
}

function mac(encodedPayload: string, key: string): string {
  return createHmac('sha256', key).update(`email-action.v1.${encodedPayload}`).digest('base64url');
}
