// adapts Secrets Manager (through Powertools Parameters, cached) to the one way both Lambdas read a secret
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** The text of the secret `arn`, trimmed; undefined while the secret holds nothing. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

/** How long a value is cached between invocations: one put in the secret after deploy is read within this. */
const MAX_AGE_SECONDS = 300;

/**
 * A reader of Secrets Manager secrets. A secret the stack created empty has no version (AWSCURRENT) until someone
 * puts a value in it: read as holding nothing, like an empty one, so that callers can say "the secret is empty".
 */
export function secretsManagerReader(
  fetchSecret: (arn: string) => Promise<unknown> = (arn) => getSecret(arn, { maxAge: MAX_AGE_SECONDS }),
): SecretReader {
  return async (arn) => {
    let value: unknown;
    try {
      value = await fetchSecret(arn);
    } catch (error) {
      if (isNoValueYet(error)) return undefined;
      throw error;
    }
    const text =
      typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : '';
    return text.trim() || undefined;
  };
}

function isNoValueYet(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === 'ResourceNotFoundException' && /AWSCURRENT|version/i.test(e.message)) return true;
  }
  return false;
}
