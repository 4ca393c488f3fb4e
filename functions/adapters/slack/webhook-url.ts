// Turns the Slack webhook secret into a URL, with errors that say how to fix the secret (never quoting it).

/** Reads a secret value by ARN; Powertools' getSecret (cached) in Lambda, a stub in tests. */
export type SecretFetcher = (arn: string) => Promise<unknown>;

/**
 * Returns a reader of the webhook URL kept in the secret `arn`. The secret holds the URL itself, or a JSON object
 * with one entry holding it (what the Secrets Manager console's key/value editor produces).
 * @throws Error (from the reader) when the secret is empty or does not hold an http(s) URL.
 */
export function webhookUrlFromSecret(arn: string, fetchSecret: SecretFetcher): () => Promise<string> {
  return async () => {
    const value = await fetchSecret(arn);
    const text = (
      typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : ''
    ).trim();
    if (!text) throw new Error(`Slack webhook secret ${arn} is empty: put the incoming webhook URL in it`);
    const url = text.startsWith('{') ? singleJsonValue(text) : text;
    if (url === undefined || !isHttpUrl(url)) {
      throw new Error(
        `Slack webhook secret ${arn} does not hold a webhook URL: put the incoming webhook URL (https://hooks.slack.com/…) in it`,
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

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
