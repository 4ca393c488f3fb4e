import { describe, expect, it } from 'vitest';
import {
  parseSlackClick,
  type SlackRequest,
  signatureOf,
  verifySlackRequest,
} from '../../../functions/adapters/slack/interaction.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = new Date('2026-12-02T10:42:00Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);

function clickBody(payload: unknown = clickPayload()): Buffer {
  return Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

function clickPayload(overrides: Record<string, unknown> = {}) {
  return {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'acme' },
    user: { id: 'U0001', username: 'ana', name: 'ana', team_id: 'T0001' },
    api_app_id: 'A0001',
    container: { type: 'message', message_ts: '1700000000.000100' },
    response_url: 'https://hooks.slack.com/actions/T0001/1/abc',
    actions: [{ action_id: 'ack', block_id: 'actions', value: '{"a":"x"}', type: 'button', action_ts: '1' }],
    ...overrides,
  };
}

function signed(body: Buffer, secret = SECRET, timestamp = NOW_SECONDS): SlackRequest {
  return {
    headers: {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signatureOf(secret, timestamp, body),
      'content-type': 'application/x-www-form-urlencoded',
    },
    rawBody: body,
  };
}

describe('verifySlackRequest', () => {
  it('accepts a request Slack signed, and names it by its signature', () => {
    // Prepare
    const request = signed(clickBody());

    // Act
    const verdict = verifySlackRequest(request, SECRET, NOW);

    // Assess
    expect(verdict).toEqual({
      ok: true,
      requestId: request.headers['x-slack-signature']?.slice(3),
      timestamp: Number(NOW_SECONDS),
    });
  });

  it("matches Slack's documented example signature", () => {
    // The example in Slack's "Verifying requests from Slack".
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signatureOf(SECRET, '1531420618', body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it.each<[string, (request: SlackRequest) => SlackRequest, Date, RegExp]>([
    ['signed with another secret', () => signed(clickBody(), 'another-secret'), NOW, /does not match/],
    [
      'a body changed after signing',
      (request) => ({ ...request, rawBody: clickBody(clickPayload({ actions: [{ action_id: 'mute' }] })) }),
      NOW,
      /does not match/,
    ],
    [
      'a timestamp changed after signing',
      (request) => ({
        ...request,
        headers: { ...request.headers, 'x-slack-request-timestamp': String(Number(NOW_SECONDS) + 1) },
      }),
      NOW,
      /does not match/,
    ],
    ['stamped more than 5 minutes ago', (request) => request, new Date(NOW.getTime() + 301_000), /5 minutes/],
    [
      'stamped more than 5 minutes ahead',
      (request) => request,
      new Date(NOW.getTime() - 301_000),
      /5 minutes/,
    ],
    [
      'without a signature',
      (request) => ({ ...request, headers: { 'x-slack-request-timestamp': NOW_SECONDS } }),
      NOW,
      /not signed/,
    ],
    [
      'without a timestamp',
      (request) => ({
        ...request,
        headers: { 'x-slack-signature': request.headers['x-slack-signature'] },
      }),
      NOW,
      /not signed/,
    ],
    [
      'with a timestamp that is not a number',
      (request) => ({ ...request, headers: { ...request.headers, 'x-slack-request-timestamp': '1e9' } }),
      NOW,
      /not a number/,
    ],
    [
      'with a signature of another version',
      (request) => ({
        ...request,
        headers: {
          ...request.headers,
          'x-slack-signature': `v1=${request.headers['x-slack-signature']?.slice(3)}`,
        },
      }),
      NOW,
      /not a v0 signature/,
    ],
    [
      'with a short signature',
      (request) => ({ ...request, headers: { ...request.headers, 'x-slack-signature': 'v0=abc' } }),
      NOW,
      /not a v0 signature/,
    ],
  ])('refuses a request %s', (_case, change, now, problem) => {
    // Prepare
    const request = change(signed(clickBody()));

    // Act
    const verdict = verifySlackRequest(request, SECRET, now);

    // Assess
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.problem).toMatch(problem);
  });

  it('accepts a request at the edge of the window', () => {
    const verdict = verifySlackRequest(signed(clickBody()), SECRET, new Date(NOW.getTime() + 300_000));

    expect(verdict.ok).toBe(true);
  });

  it('never repeats the secret or the signature in what it says', () => {
    const request = signed(clickBody(), 'another-secret');

    const verdict = verifySlackRequest(request, SECRET, NOW);

    const said = JSON.stringify(verdict);
    expect(said).not.toContain(SECRET);
    expect(said).not.toContain(request.headers['x-slack-signature']?.slice(3));
  });
});

describe('parseSlackClick', () => {
  it('reads the team, the member, the button and the response URL', () => {
    expect(parseSlackClick(clickBody())).toEqual({
      ok: true,
      click: {
        teamId: 'T0001',
        userId: 'U0001',
        userName: 'ana',
        actionId: 'ack',
        blockId: 'actions',
        value: '{"a":"x"}',
        responseUrl: 'https://hooks.slack.com/actions/T0001/1/abc',
        message: undefined,
      },
    });
  });

  it("takes the member's team when the payload has none (an organisation-wide app)", () => {
    const parsed = parseSlackClick(clickBody(clickPayload({ team: null })));

    expect(parsed.ok && parsed.click.teamId).toBe('T0001');
  });

  it.each<[string, Buffer, RegExp]>([
    ['a body without a payload', Buffer.from('token=x&team_id=T0001'), /no payload/],
    ['a payload that is not JSON', Buffer.from('payload=%7Bnot-json'), /not JSON/],
    [
      'another kind of interaction',
      clickBody(clickPayload({ type: 'view_submission' })),
      /not a button click/,
    ],
    ['a click without an action', clickBody(clickPayload({ actions: [] })), /exactly one action/],
    [
      'a response URL that is not a web address',
      clickBody(clickPayload({ response_url: 'javascript:alert(1)' })),
      /not a button click/,
    ],
  ])('refuses %s', (_case, body, problem) => {
    const parsed = parseSlackClick(body);

    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});
