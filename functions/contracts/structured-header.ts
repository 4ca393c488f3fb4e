// What writing the structured JSON needs, apart from its schema: who receives it, its version, and the fields
// about the message as a whole. Apart so that the poller, which writes the message but never reads one back, does
// not load the schema (nor zod's code for it) at cold start.
import { categoriesOf, isCombined, type Message, reasonsOf } from '../domain/alert.js';
import type { StructuredMessage } from './structured-message.js';

/** Protocols that receive the structured JSON; the others get the email text. */
export const STRUCTURED_PROTOCOLS = ['lambda', 'sqs', 'https'] as const;

/** The version written: 2, a message carrying one or more alerts (version 1 carried one). */
export const STRUCTURED_SCHEMA_VERSION = 2;

/** The fields of a structured message that describe the message as a whole. */
export type MessageHeader = Omit<
  StructuredMessage,
  'schemaVersion' | 'alerts' | 'overflow' | 'email' | 'slack'
>;

/** The whole-message fields of a message: what its SNS attributes carry, and its totals. */
export function messageHeader(message: Message): MessageHeader {
  return {
    alertId: message.alertId,
    kind: message.kind,
    combined: isCombined(message) ? message.combined : null,
    companyId: message.companyId,
    companyName: message.companyName,
    reasons: reasonsOf(message),
    categories: categoriesOf(message),
    totals: message.totals,
    detectedAt: message.detectedAt,
    possibleRedelivery: message.possibleRedelivery,
  };
}
