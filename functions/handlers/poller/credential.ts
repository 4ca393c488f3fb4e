// Resolves the Pleo credential from configuration: a key or token given directly, or a Secrets Manager secret
// holding the key as plain text or as JSON {"apiKey": "…"} / {"bearerToken": "…"}.
import * as z from 'zod/mini';
import type { PleoCredential } from '../../adapters/pleo/client.js';
import type { SecretReader } from '../../adapters/secrets/secret-reader.js';
import type { CredentialSource } from '../../config/poller.js';
import { ConfigError } from '../../config/setting.js';

const secretJsonSchema = z.union([
  z.pipe(
    z.object({ apiKey: z.string().check(z.minLength(1)) }),
    z.transform((s: { apiKey: string }): PleoCredential => ({ kind: 'apiKey', apiKey: s.apiKey })),
  ),
  z.pipe(
    z.object({ bearerToken: z.string().check(z.minLength(1)) }),
    z.transform((s: { bearerToken: string }): PleoCredential => ({ kind: 'bearer', token: s.bearerToken })),
  ),
]);

export async function resolveCredential(
  source: CredentialSource,
  readSecret: SecretReader,
): Promise<PleoCredential> {
  if (source.kind !== 'secret') return source;
  const value = (await readSecret(source.secretArn))?.trim();
  if (!value) {
    throw new ConfigError(
      `The Pleo API key secret ${source.secretArn} is empty: put the API key in it (see README, "Deploy")`,
    );
  }
  return value.startsWith('{') ? parseSecretJson(value, source.secretArn) : { kind: 'apiKey', apiKey: value };
}

function parseSecretJson(value: string, secretArn: string): PleoCredential {
  try {
    return secretJsonSchema.parse(JSON.parse(value));
  } catch {
    // The secret's content is never part of the message.
    throw new ConfigError(
      `The Pleo API key secret ${secretArn} holds JSON without "apiKey" or "bearerToken": store the key as plain text or {"apiKey":"…"}`,
    );
  }
}
