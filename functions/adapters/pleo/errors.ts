// The Pleo client's own error; the ones the poll reacts to (credentials refused, Pleo unavailable, a request
// refused) are the core's, in app/errors.ts. Messages never contain the credential.

/** Thrown when a response breaks the API contract: not JSON, a wrong envelope, a repeating cursor. */
export class PleoContractError extends Error {
  override readonly name = 'PleoContractError';
}
