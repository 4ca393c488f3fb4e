import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { signatureOf, verifySlackRequest } from '../../../functions/adapters/slack/interaction.js';
import { requestOf } from '../../../functions/handlers/actions/function-url.js';

const SECRET = 'signing-secret';
const NOW = new Date('2026-12-02T10:42:00Z');
const TIMESTAMP = String(NOW.getTime() / 1000);

/** A Function URL event (payload format 2.0) carrying `body`, as Lambda hands it over. */
function urlEvent(body: string, isBase64Encoded: boolean): LambdaFunctionURLEvent {
  const raw = Buffer.from(body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/actions',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': TIMESTAMP,
      'X-Slack-Signature': signatureOf(SECRET, TIMESTAMP, raw),
    },
    requestContext: { http: { method: 'POST', path: '/slack/actions' } },
    body: isBase64Encoded ? raw.toString('base64') : body,
    isBase64Encoded,
  } as unknown as LambdaFunctionURLEvent;
}

describe('requestOf', () => {
  it.each([true, false])('keeps the bytes Slack signed (body base64-encoded: %s)', (isBase64Encoded) => {
    // Prepare
    const body = `payload=${encodeURIComponent('{"type":"block_actions","text":"Søn & co ✓"}')}`;

    // Act
    const request = requestOf(urlEvent(body, isBase64Encoded));

    // Assess
    expect(request).toMatchObject({ method: 'POST', path: '/slack/actions' });
    expect(request.rawBody.toString('utf8')).toBe(body);
    expect(verifySlackRequest(request, SECRET, NOW)).toMatchObject({ ok: true });
  });
});
