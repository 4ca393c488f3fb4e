// Typed errors of the Pleo client. Messages never contain the credential.

/** Thrown on 401/403: the credential is wrong, expired or lacks scope. Never retried. */
export class PleoCredentialsError extends Error {
  override readonly name = 'PleoCredentialsError';
  constructor(
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(
      `Pleo answered ${status}: the Pleo API key is invalid, expired, or lacks export-jobs:read`,
      options,
    );
  }
}

/** Thrown when Pleo keeps failing (429, 5xx, network, timeouts) after the retry budget is spent. */
export class PleoUnavailableError extends Error {
  override readonly name = 'PleoUnavailableError';
}

/** Thrown when a response breaks the API contract: not JSON, a wrong envelope, a repeating cursor. */
export class PleoContractError extends Error {
  override readonly name = 'PleoContractError';
}

/** Thrown for a 4xx other than 401/403/429: a request the client should not have made. Never retried. */
export class PleoRequestError extends Error {
  override readonly name = 'PleoRequestError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
