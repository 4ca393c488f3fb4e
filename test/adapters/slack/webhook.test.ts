import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postToSlack, SlackPostError } from '../../../functions/adapters/slack/webhook.js';
import type { SlackMessage } from '../../../functions/contracts/slack-message.js';

// A stand-in for Slack's webhook endpoint on 127.0.0.1, answering each request from a queue of scripted replies.
// 'hang-up' drops the connection; 'silence' keeps it open and never answers.
type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hang-up' | 'silence';
const replies: Reply[] = [];
const received: { method: string; url: string; contentType: string; body: string }[] = [];
let server: Server;
let baseUrl: string;

const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSecretToken123';
const message: SlackMessage = {
  text: 'fallback',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi', verbatim: true } }],
};
const sleeps: number[] = [];
const sleep = async (ms: number): Promise<void> => {
  sleeps.push(ms);
};
/** No jitter: each backoff at its full length. */
const random = () => 1;

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'] ?? '',
      body,
    });
    const reply = replies.shift() ?? { status: 200, body: 'ok' };
    if (reply === 'hang-up') {
      req.socket.destroy();
      return;
    }
    if (reply === 'silence') return;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  replies.length = 0;
  received.length = 0;
  sleeps.length = 0;
});

function expectNoSecret(error: unknown): void {
  const texts = [
    String(error),
    error instanceof Error ? (error.stack ?? '') : '',
    error instanceof Error ? String(error.cause ?? '') : '',
    error instanceof Error && error.cause instanceof Error ? (error.cause.stack ?? '') : '',
    JSON.stringify(error),
  ];
  for (const text of texts) {
    expect(text).not.toContain('T0SECRET');
    expect(text).not.toContain('xoxSecretToken123');
  }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('postToSlack', () => {
  it('posts the text and blocks as JSON to the webhook', async () => {
    await postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random });

    expect(received).toEqual([
      { method: 'POST', url: SECRET_PATH, contentType: 'application/json', body: JSON.stringify(message) },
    ]);
  });

  it.each([301, 302, 307, 308])(
    'never follows a %i redirect: the alert is posted nowhere else',
    async (status) => {
      replies.push({ status, body: '', headers: { location: `${baseUrl}/elsewhere` } });

      const posting = postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep });

      await expect(posting).rejects.toThrow(new RegExp(`^Slack webhook answered ${status}`));
      expect(received.map((request) => request.url)).toEqual([SECRET_PATH]);
    },
  );

  it('waits as long as Retry-After says when rate limited, then succeeds', async () => {
    replies.push(
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } },
      { status: 200, body: 'ok' },
    );

    await postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random });

    expect(received).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it('waits on a real timer when no sleep is given', async () => {
    replies.push({ status: 429, body: '', headers: { 'retry-after': '0' } });

    await postToSlack(`${baseUrl}${SECRET_PATH}`, message);

    expect(received).toHaveLength(2);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    // Prepare
    const in5s = new Date(Date.now() + 5_000).toUTCString();
    replies.push({ status: 503, body: 'busy', headers: { 'retry-after': in5s } });

    // Act
    await postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random });

    // Assess
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(3_000);
    expect(sleeps[0]).toBeLessThanOrEqual(5_000);
  });

  it('waits a random part of each backoff, so that retries from many senders spread out', async () => {
    // Prepare
    replies.push({ status: 500, body: 'oops' }, { status: 500, body: 'oops' });

    // Act
    await postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random: () => 0.5 });

    // Assess
    expect(sleeps).toEqual([250, 500]);
  });

  it('caps a very long Retry-After so the Lambda does not time out waiting', async () => {
    replies.push({ status: 429, body: '', headers: { 'retry-after': '3600' } });

    await postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random });

    expect(sleeps).toEqual([30_000]);
  });

  it('backs off and retries on server errors and dropped connections', async () => {
    replies.push({ status: 500, body: 'oops' }, 'hang-up', { status: 503, body: 'busy' });

    await postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random });

    expect(received).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('gives up after maxRetries with the last answer', async () => {
    replies.push(...Array.from({ length: 3 }, () => ({ status: 502, body: 'bad gateway' })));

    const error = await caught(
      postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random, maxRetries: 2 }),
    );

    expect(error).toBeInstanceOf(SlackPostError);
    expect(error).toMatchObject({
      message: 'Slack webhook answered 502 (bad gateway) after 3 attempt(s)',
      status: 502,
      responseBody: 'bad gateway',
    });
    expect(received).toHaveLength(3);
    expectNoSecret(error);
  });

  it.each([
    [400, 'invalid_blocks'],
    [403, 'action_prohibited'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ])("does not retry a %i and reports Slack's answer %s without the URL", async (status, body) => {
    replies.push({ status, body });

    const error = await caught(postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random }));

    expect(error).toBeInstanceOf(SlackPostError);
    expect(error).toMatchObject({
      name: 'SlackPostError',
      message: `Slack webhook answered ${status} (${body})`,
      status,
      responseBody: body,
    });
    expect(received).toHaveLength(1);
    expectNoSecret(error);
  });

  it('redacts the URL if Slack ever echoes it back', async () => {
    replies.push({ status: 400, body: `bad request to ${baseUrl}${SECRET_PATH}` });

    const error = await caught(postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random }));

    expect(error).toMatchObject({ responseBody: 'bad request to [webhook URL]' });
    expectNoSecret(error);
  });

  it('reports an unreachable webhook without the URL, keeping the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await caught(
      postToSlack(`http://127.0.0.1:${port}${SECRET_PATH}`, message, { sleep, random, maxRetries: 1 }),
    );

    expect(error).toBeInstanceOf(SlackPostError);
    expect((error as SlackPostError).message).toMatch(/^Slack webhook request failed after 2 attempt\(s\)/);
    expect((error as SlackPostError).cause).toBeInstanceOf(Error);
    expect(sleeps).toEqual([500]);
    expectNoSecret(error);
  });

  it('gives up on an attempt Slack never answers, retries, then reports it without the URL', async () => {
    replies.push('silence', 'silence');

    const error = await caught(
      postToSlack(`${baseUrl}${SECRET_PATH}`, message, {
        sleep,
        random,
        maxRetries: 1,
        requestTimeoutMs: 50,
      }),
    );

    expect(error).toBeInstanceOf(SlackPostError);
    expect(error).toMatchObject({
      status: undefined,
      message: 'Slack webhook request failed after 2 attempt(s): no answer within 50 ms',
    });
    expect(received).toHaveLength(2);
    expect(sleeps).toEqual([500]);
    expectNoSecret(error);
  });

  it('redacts a cause that quotes the URL', async () => {
    const leakyFetch: typeof fetch = async (input) => {
      throw new TypeError(`cannot reach ${String(input)}`);
    };

    const error = await caught(
      postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, random, maxRetries: 0, fetch: leakyFetch }),
    );

    expect((error as SlackPostError).cause).toMatchObject({
      name: 'TypeError',
      message: 'cannot reach [webhook URL]',
    });
    expectNoSecret(error);
  });

  it('stops without retrying once the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort();

    const error = await caught(
      postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep, signal: controller.signal }),
    );

    expect(error).toBeInstanceOf(SlackPostError);
    expect(sleeps).toEqual([]);
    expectNoSecret(error);
  });

  it('stops waiting for a retry when the signal aborts', async () => {
    replies.push({ status: 503, body: 'busy' });
    const controller = new AbortController();
    const abortingSleep = async (): Promise<void> => {
      controller.abort();
      throw controller.signal.reason;
    };

    const error = await caught(
      postToSlack(`${baseUrl}${SECRET_PATH}`, message, { sleep: abortingSleep, signal: controller.signal }),
    );

    expect(error).toMatchObject({
      name: 'SlackPostError',
      message: 'Slack webhook delivery aborted while waiting to retry',
    });
    expect(received).toHaveLength(1);
  });
});
