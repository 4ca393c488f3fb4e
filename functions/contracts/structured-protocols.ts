// Who receives the structured JSON. Apart from the schema, so that the poller, which writes the message but never
// reads one back, does not load the schema (nor zod's code for it) at cold start.

/** Protocols that receive the structured JSON; the others get the email text. */
export const STRUCTURED_PROTOCOLS = ['lambda', 'sqs', 'https'] as const;
