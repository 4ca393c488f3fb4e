// adapts SSM Parameter Store (through Powertools Parameters, decrypted, cached) to the way the poller reads a
// connection's key

/** The text of the SecureString parameter `name`, decrypted and trimmed; undefined while it holds nothing. */
export type ParameterReader = (name: string) => Promise<string | undefined>;

/** How long a value is cached between invocations: a key rotated with the CLI is read within this. */
const MAX_AGE_SECONDS = 300;

/**
 * Loaded on the first read: a poller whose connections keep their keys elsewhere (the stack's own, in its secret)
 * never sets up the SSM client. Powertools keeps its provider, and so its cache, for the life of the process.
 */
const fetchDecrypted = async (name: string): Promise<unknown> => {
  const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
  return getParameter(name, { decrypt: true, maxAge: MAX_AGE_SECONDS });
};

export function parameterStoreReader(
  fetchParameter: (name: string) => Promise<unknown> = fetchDecrypted,
): ParameterReader {
  return async (name) => {
    const value = await fetchParameter(name);
    return typeof value === 'string' ? value.trim() || undefined : undefined;
  };
}
