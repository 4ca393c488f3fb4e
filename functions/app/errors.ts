// The errors the use cases react to, beside the ports that throw them: adapters translate what their service
// answered into these, so the core never looks at an HTTP status class or an SDK's error shape. Messages never
// contain a credential, and never name a setting: the edge (handler, composition root) adds that wording.

/** Pleo refused the credential (401/403): it is wrong, expired or lacks scope. Never retried; alerted at once. */
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

/** Pleo kept failing (429, 5xx, network, timeouts) after the retry budget was spent: the next poll tries again. */
export class PleoUnavailableError extends Error {
  override readonly name = 'PleoUnavailableError';
}

/** Pleo refused a request (a 4xx other than 401/403/429): one the client should not have made. Never retried. */
export class PleoRequestError extends Error {
  override readonly name: string = 'PleoRequestError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Pleo refused to list the whole organisation at once: a multi-entity organisation must name its companies. Where
 * they are named is the edge's to say (`where`, given by handlers/poller/compose.ts).
 */
export class OrganisationListingRefusedError extends PleoRequestError {
  override readonly name = 'OrganisationListingRefusedError';
  constructor(
    readonly refusal: PleoRequestError,
    where = '',
  ) {
    super(
      `${refusal.message} (the whole organisation was listed at once: a multi-entity organisation must name its companies${where})`,
      refusal.status,
      { cause: refusal },
    );
  }
}

/**
 * The publisher's service answered and did not take the message: it was not delivered, and can be retried as it
 * is. Any other publish failure (a timeout, a lost answer) may have delivered it.
 */
export class PublishRefusedError extends Error {
  override readonly name = 'PublishRefusedError';
}

/**
 * A poll wrote after another poll took its lease over (it outlived its lease, e.g. frozen by Lambda and thawed):
 * the write was refused and changed nothing. The poll must stop: what it was doing is the new holder's now.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor() {
    super('Another poll holds the lease now: this poll stopped, and its last write changed nothing');
  }
}

/** A request to mute, acknowledge or snooze that cannot be done as asked; nothing was changed. One line. */
export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
}

/** A request to add, verify or remove a connection that cannot be done as asked; nothing was stored. One line. */
export class ConnectionRequestError extends Error {
  override readonly name = 'ConnectionRequestError';
}
