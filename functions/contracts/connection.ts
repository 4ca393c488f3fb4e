// What a connection is, as every side reads it: the record the CLI stores in the state table, the entries of
// PLEO_CONNECTIONS for local runs, where a connection's key lives in Parameter Store, and the message the
// dispatcher puts on the poll queue. A connection is one Pleo credential and the companies it covers.
import * as z from 'zod/mini';
import '../shared/zod-english.js';

/**
 * A connection's name: also part of its partition keys and of its parameter's name, so kept to a safe alphabet. Up
 * to 128 characters: the stack's own connection is named after the stack, and a stack's name may be that long.
 */
export const connectionNameSchema = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/));

const companySchema = z.object({ id: z.string().check(z.minLength(1)), name: z.optional(z.string()) });

/** Where a connection's key is read from; the key itself is never part of a connection record. */
export const credentialRefSchema = z.union([
  /** An SSM SecureString parameter (the CLI's `connections add` writes one under the stack's path). */
  z.object({ kind: z.literal('parameter'), name: z.string().check(z.minLength(1)) }),
  /** A Secrets Manager secret: the stack's own key, kept from the single-key settings. */
  z.object({ kind: z.literal('secret'), arn: z.string().check(z.minLength(1)) }),
]);

/** Hints for where a connection's messages go: SNS message attributes subscribers may filter on. */
const routingSchema = z.object({ channel: z.optional(z.string()), team: z.optional(z.string()) });

/** A connection as stored (CONNECTION/<name> in the state table: one partition, so one Query lists them all). */
export const connectionRecordSchema = z.object({
  name: connectionNameSchema,
  /** The company the key answers for; absent for an organisation key. */
  companyId: z.optional(z.string().check(z.minLength(1))),
  /** For an organisation key: the companies polled one by one (none: organisation-wide listing). */
  companies: z.optional(z.array(companySchema)),
  credential: credentialRefSchema,
  /** When the key expires (ISO 8601 date), when known: warnings go out 30, 7 and 1 days before. */
  expiresOn: z.optional(z.iso.date()),
  routing: z.optional(routingSchema),
  /** When the connection was added (ISO 8601). */
  addedAt: z.iso.datetime(),
});
export type ConnectionRecord = z.infer<typeof connectionRecordSchema>;
export type CredentialRef = z.infer<typeof credentialRefSchema>;

/**
 * One entry of PLEO_CONNECTIONS (local runs): like a stored connection, but the credential may be given inline
 * (`apiKey` or `apiToken`) besides `parameter` (an SSM parameter name) or `secretArn`. Exactly one of the four.
 */
export const connectionEnvEntrySchema = z.object({
  name: connectionNameSchema,
  companyId: z.optional(z.string().check(z.minLength(1))),
  companies: z.optional(z.array(companySchema)),
  apiKey: z.optional(z.string().check(z.minLength(1))),
  apiToken: z.optional(z.string().check(z.minLength(1))),
  parameter: z.optional(z.string().check(z.minLength(1))),
  secretArn: z.optional(z.string().check(z.minLength(1))),
  expiresOn: z.optional(z.iso.date()),
  routing: z.optional(routingSchema),
});
export type ConnectionEnvEntry = z.infer<typeof connectionEnvEntrySchema>;

/**
 * A connection's key as given to `connections add`: one line of printable characters with no space in it, at most
 * 4,000 (a standard parameter holds 4 KB). Spaces around it are dropped, as around a key pasted with its newline.
 */
export const connectionKeySchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'it is empty'),
    z.maxLength(4_000, 'it is longer than 4,000 characters'),
    z.regex(/^[\x21-\x7e]+$/, 'it holds spaces or characters no Pleo key has'),
  );

/** A connection's credential itself, as it is kept in its parameter. */
export type ConnectionCredential = { kind: 'apiKey'; apiKey: string } | { kind: 'bearer'; token: string };

const storedTokenSchema = z.object({ bearerToken: z.string().check(z.minLength(1)) });

/**
 * What a connection's parameter holds: an API key as plain text, a bearer token as `{"bearerToken":"…"}`, the
 * formats the stack's own secret takes.
 */
export const storedCredential = {
  encode: (credential: ConnectionCredential): string =>
    credential.kind === 'apiKey' ? credential.apiKey : JSON.stringify({ bearerToken: credential.token }),
  /** The credential, or undefined for a value that is empty or JSON without a bearer token (never echoed). */
  decode: (value: string | undefined): ConnectionCredential | undefined => {
    const text = value?.trim();
    if (!text) return undefined;
    if (!text.startsWith('{')) return { kind: 'apiKey', apiKey: text };
    try {
      return { kind: 'bearer', token: storedTokenSchema.parse(JSON.parse(text)).bearerToken };
    } catch {
      return undefined;
    }
  },
};

/** The Parameter Store path the stack owns for connection keys; the poller may read only under it. */
export const connectionParameterPath = (stackName: string): string =>
  `/pleo-export-alerts/${stackName}/connections/`;

/** The SSM parameter holding one connection's key. */
export const connectionParameterName = (stackName: string, connection: string): string =>
  `${connectionParameterPath(stackName)}${connection}`;

/**
 * The poll queue's message: the connections one poller invocation polls, in turn. Connections covering the same
 * company travel in one message, so two of them never alert one company's job at the same instant.
 */
export const pollRequestSchema = z.object({
  connections: z.array(connectionNameSchema).check(z.minLength(1)),
});
export type PollRequest = z.infer<typeof pollRequestSchema>;
