// What lands in the two dead-letter queues, read: a Lambda's failure record (on-failure destination: the error in
// `responsePayload`, the event in `requestPayload`), an SNS delivery that failed for good (the message, with SNS's
// error in the attributes), or a schedule's event the Scheduler could not deliver (its error in the attributes).
import type { Message } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';

export interface DeadLetter {
  messageId: string;
  receiptHandle: string;
  /** When it was sent to the queue (ISO 8601), if SQS said. */
  sentAt: string | null;
  /** lambda: a failure record of a function; sns: an SNS delivery; event: a schedule's event. */
  origin: 'lambda' | 'sns' | 'event';
  /** The function whose failure it records, for a Lambda record. */
  functionArn: string | null;
  errorType: string;
  errorMessage: string;
  /** The event to invoke the function with again. */
  payload: unknown;
}

/** Reads one SQS message of a dead-letter queue; anything it does not recognise is an `event` with its body. */
export function readDeadLetter(message: Message): DeadLetter {
  const body = parseJson(message.Body ?? '');
  const attribute = (...names: string[]) => {
    for (const name of names) {
      const value = message.MessageAttributes?.[name]?.StringValue;
      if (value) return value;
    }
    return undefined;
  };
  const base = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    sentAt: sentAt(message),
  };
  if (isRecord(body) && isRecord(body.requestContext) && 'requestPayload' in body) {
    const response = isRecord(body.responsePayload) ? body.responsePayload : {};
    return {
      ...base,
      origin: 'lambda',
      functionArn:
        typeof body.requestContext.functionArn === 'string' ? body.requestContext.functionArn : null,
      errorType: String(response.errorType ?? body.requestContext.condition ?? 'unknown'),
      errorMessage: String(response.errorMessage ?? ''),
      payload: body.requestPayload,
    };
  }
  const snsError = attribute('ErrorCode', 'ERROR_CODE');
  const snsMessage = isRecord(body) && body.Type === 'Notification' && typeof body.Message === 'string';
  return {
    ...base,
    origin: snsMessage || (isRecord(body) && 'schemaVersion' in body) ? 'sns' : 'event',
    functionArn: attribute('TARGET_ARN') ?? null,
    errorType: snsError ?? 'unknown',
    errorMessage: attribute('ErrorMessage', 'ERROR_MESSAGE') ?? '',
    payload: snsMessage ? body : (body ?? message.Body),
  };
}

/**
 * The event that delivers an SNS dead letter to the Slack notifier again: the notifier reads only each record's
 * `Sns.Message` (and posts each alert id once).
 */
export function snsEventOf(letter: DeadLetter): SNSEvent {
  const envelope =
    isRecord(letter.payload) && letter.payload.Type === 'Notification' ? letter.payload : undefined;
  const message = envelope ? String(envelope.Message) : JSON.stringify(letter.payload);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: '',
        Sns: {
          Type: 'Notification',
          MessageId: String(envelope?.MessageId ?? letter.messageId),
          TopicArn: String(envelope?.TopicArn ?? ''),
          Subject: null as unknown as string,
          Message: message,
          Timestamp: String(envelope?.Timestamp ?? letter.sentAt ?? new Date(0).toISOString()),
          SignatureVersion: '',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

function sentAt(message: Message): string | null {
  const ms = Number(message.Attributes?.SentTimestamp);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
