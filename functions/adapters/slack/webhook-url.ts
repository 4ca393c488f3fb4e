// Turns the Slack webhook secret into a URL, with errors that say how to fix the secret (never quoting it).

/** Reads a secret's text by ARN, undefined while it holds nothing (adapters/secrets/secret-reader.ts in Lambda). */
type ReadSecret = (arn: string) => Promise<string | undefined>;

/**
 * Slack's incoming webhooks live on this host only: a URL elsewhere in the secret (a typo, a look-alike host, or
 * someone's own server) would get every alert's content posted to it, so the notifier refuses it.
 */
const SLACK_WEBHOOK_HOST = 'hooks.slack.com';
/** A stand-in for Slack on this machine (tests, local runs): nothing leaves the machine, http is fine. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Returns a reader of the webhook URL kept in the secret `arn`. The secret holds the URL itself, or a JSON object
 * with one entry holding it (what the Secrets Manager console's key/value editor produces).
 * @throws Error (from the reader) when the secret is empty or does not hold an https URL on hooks.slack.com (or
 *   a URL on this machine).
 */
export function webhookUrlFromSecret(arn: string, readSecret: ReadSecret): () => Promise<string> {
  return async () => {
    const text = (await readSecret(arn))?.trim();
    if (!text) throw new Error(`Slack webhook secret ${arn} is empty: put the incoming webhook URL in it`);
    const url = text.startsWith('{') ? singleJsonValue(text) : text;
    if (url === undefined || !isSlackWebhook(url)) {
      throw new Error(
        `Slack webhook secret ${arn} does not hold a webhook URL: put the incoming webhook URL (https://${SLACK_WEBHOOK_HOST}/…) in it`,
      );
    }
    return url;
  };
}

function singleJsonValue(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const values = Object.values(parsed);
    return values.length === 1 && typeof values[0] === 'string' ? values[0].trim() : undefined;
  } catch {
    return undefined;
  }
}

function isSlackWebhook(text: string): boolean {
  try {
    const { protocol, hostname, port, username, password } = new URL(text);
    if (username || password) return false;
    if (LOOPBACK_HOSTS.includes(hostname)) return protocol === 'https:' || protocol === 'http:';
    return protocol === 'https:' && hostname === SLACK_WEBHOOK_HOST && port === '';
  } catch {
    return false;
  }
}
