// Resolves a connection's Pleo credential: a key or token given directly, or one read from a Secrets Manager secret
// or an SSM SecureString parameter, holding the key as plain text or as JSON {"apiKey": "…"} / {"bearerToken": "…"}.
// A credential that cannot be used fails that connection's poll with a message naming the connection and where its
// key is kept, never the value.
import * as z from 'zod/mini';
import type { ParameterReader } from '../../adapters/parameters/parameter-reader.js';
import type { PleoCredential } from '../../adapters/pleo/client.js';
import type { SecretReader } from '../../adapters/secrets/secret-reader.js';
import { ConfigError } from '../../config/setting.js';
import type { Connection, CredentialSource } from '../../domain/connection.js';

export interface CredentialReaders {
  readSecret: SecretReader;
  readParameter: ParameterReader;
}

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

/** A key with a space, a control character or a line break inside was pasted wrong: Pleo's keys have none. */
const MALFORMED = /[\s\p{Cc}]/u;

/** Nobody has put a key where the connection's key is kept yet. */
export class MissingKeyError extends ConfigError {}

/** @throws {ConfigError} naming the connection and where its key is kept, never the key. */
export async function resolveCredential(
  connection: Pick<Connection, 'name' | 'credential'>,
  readers: CredentialReaders,
): Promise<PleoCredential> {
  const source = connection.credential;
  if (source.kind === 'apiKey' || source.kind === 'bearer') return source;
  const where = describeSource(source);
  const problem = (text: string) => `Connection "${connection.name}": ${where} ${text}`;
  const fail = (text: string) => new ConfigError(problem(text));
  const value =
    source.kind === 'secret'
      ? await readers.readSecret(source.secretArn)
      : await readers.readParameter(source.name).catch((error: unknown) => {
          throw fail(`cannot be read: ${rootCause(error)}`);
        });
  if (!value) {
    throw new MissingKeyError(
      problem(
        source.kind === 'secret'
          ? 'is empty: put the API key in it (see README, "Deploy")'
          : 'is empty: store the key again (connections add)',
      ),
    );
  }
  const credential = value.startsWith('{') ? parseJson(value) : { kind: 'apiKey' as const, apiKey: value };
  const text = credential?.kind === 'apiKey' ? credential.apiKey : credential?.token;
  if (!credential || text === undefined || MALFORMED.test(text)) {
    throw fail(
      'holds no usable key: store it as plain text, {"apiKey":"…"} or {"bearerToken":"…"}, with no spaces or line breaks inside',
    );
  }
  return credential;
}

function describeSource(source: Extract<CredentialSource, { kind: 'secret' | 'parameter' }>): string {
  return source.kind === 'secret'
    ? `the Pleo API key secret ${source.secretArn}`
    : `the Pleo API key parameter ${source.name}`;
}

/** What AWS said, by name only (Powertools wraps it): its message might quote more than it should. */
function rootCause(error: unknown): string {
  let name = 'unknown error';
  for (let e = error; e instanceof Error; e = e.cause) name = e.name;
  return name;
}

function parseJson(value: string): PleoCredential | undefined {
  try {
    return secretJsonSchema.parse(JSON.parse(value));
  } catch {
    return undefined;
  }
}
