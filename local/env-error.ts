// The one error a mistake in `npm start`'s environment raises.

/** A mistake in the environment; the message names the variable and never quotes its value. */
export class LocalEnvError extends Error {
  override readonly name = 'LocalEnvError';
}
