// adapts a click in Slack (a request to the app's interactivity Request URL) to an action request: checks Slack's
// signature over the raw body before anything is read, then parses the form's `payload` JSON.
// https://api.slack.com/authentication/verifying-requests-from-slack
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

/** How far a request's timestamp may be from now: Slack's own advice against replays. */
export const SLACK_REQUEST_WINDOW_SECONDS = 5 * 60;

export interface SlackRequest {
  /** Header names in lower case, as Lambda Function URLs and node:http give them. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as it arrived: the signature covers its bytes. */
  rawBody: Buffer;
}

export type Verdict =
  | {
      ok: true;
      /** The signature: one request, so a second arrival of it is a replay. */
      requestId: string;
      /** Seconds since the epoch, as Slack stamped the request. */
      timestamp: number;
    }
  | { ok: false; problem: string };

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * Whether the request comes from Slack, signed with `signingSecret` within the window around `now`. Says what is
 * wrong without repeating the signature or the secret.
 */
export function verifySlackRequest(request: SlackRequest, signingSecret: string, now: Date): Verdict {
  const timestampText = request.headers['x-slack-request-timestamp'];
  const signature = request.headers['x-slack-signature'];
  if (timestampText === undefined || signature === undefined) {
    return { ok: false, problem: 'not signed: X-Slack-Signature or X-Slack-Request-Timestamp missing' };
  }
  if (!/^\d{1,12}$/.test(timestampText))
    return { ok: false, problem: 'the request timestamp is not a number' };
  const timestamp = Number(timestampText);
  if (Math.abs(now.getTime() / 1000 - timestamp) > SLACK_REQUEST_WINDOW_SECONDS) {
    return { ok: false, problem: 'the request timestamp is more than 5 minutes from now' };
  }
  if (!SIGNATURE.test(signature)) return { ok: false, problem: 'the signature is not a v0 signature' };
  const expected = signatureOf(signingSecret, timestampText, request.rawBody);
  if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    return { ok: false, problem: 'the signature does not match the body and the signing secret' };
  }
  return { ok: true, requestId: signature.slice(3), timestamp };
}

/** `v0=` and the HMAC-SHA256 of `v0:<timestamp>:<body>`: how Slack signs (and how tests and local tools sign). */
export function signatureOf(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

// The part of Slack's block_actions payload an action needs; Slack sends much more, which is ignored.
const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: z.nullable(z.object({ id: z.string() })),
  user: z.object({
    id: z.string(),
    username: z.optional(z.string()),
    name: z.optional(z.string()),
    team_id: z.optional(z.string()),
  }),
  response_url: z.optional(z.url({ protocol: /^https?$/ })),
  actions: z.array(
    z.object({
      action_id: z.string(),
      block_id: z.optional(z.string()),
      value: z.optional(z.string()),
      action_ts: z.optional(z.string()),
    }),
  ),
  // The message the button is in, as Slack has it: the update after the click is made from it.
  message: z.optional(z.object({ text: z.optional(z.string()), blocks: z.optional(z.array(z.unknown())) })),
});

export interface SlackClick {
  teamId: string | undefined;
  /** The member's id, and the name to show ("@ana"). */
  userId: string;
  userName: string;
  actionId: string;
  /** The block the button is in: which of a message's alerts it is about. */
  blockId: string | undefined;
  value: string;
  /** Where the message the button is in can be replaced (5 times within 30 minutes). */
  responseUrl: string | undefined;
  /** The message the button is in, when Slack sent it. */
  message: { text?: string | undefined; blocks?: unknown[] | undefined } | undefined;
}

export type ParsedClick = { ok: true; click: SlackClick } | { ok: false; problem: string };

/** Reads a verified request's body: `payload=<JSON>`, form-encoded, one button clicked. */
export function parseSlackClick(rawBody: Buffer): ParsedClick {
  const payloadText = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  if (payloadText === null) return { ok: false, problem: 'the body has no payload field' };
  let json: unknown;
  try {
    json = JSON.parse(payloadText);
  } catch {
    return { ok: false, problem: 'the payload is not JSON' };
  }
  const parsed = z.safeParse(blockActionsSchema, json);
  if (!parsed.success) return { ok: false, problem: 'the payload is not a button click (block_actions)' };
  const { team, user, response_url, actions, message } = parsed.data;
  const action = actions[0];
  if (action === undefined || actions.length > 1) {
    return { ok: false, problem: 'the payload does not carry exactly one action' };
  }
  return {
    ok: true,
    click: {
      teamId: team?.id ?? user.team_id,
      userId: user.id,
      userName: user.username ?? user.name ?? user.id,
      actionId: action.action_id,
      blockId: action.block_id,
      value: action.value ?? '',
      responseUrl: response_url,
      message,
    },
  };
}
