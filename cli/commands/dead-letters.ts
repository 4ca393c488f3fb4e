// `dead-letters list|redrive|purge [--queue poll|delivery]`: what failed for good and why, and sending it again
// through the function that failed (a Slack post through the notifier, which posts each alert once).
import { formatUtc, plural } from '../../functions/render/text.js';
import { COMMON_USAGE, CommandError, parseCommand, UsageError } from '../args.js';
import { invokeFunction, peekQueue, purgeQueue, takeFromQueue } from '../aws.js';
import type { Command, Report } from '../command.js';
import { type DeadLetter, readDeadLetter, snsEventOf } from '../dead-letters.js';
import type { Deployment } from '../deployment.js';

const USAGE = `dead-letters list|redrive|purge [--queue poll|delivery] ${COMMON_USAGE}`;
const QUEUES = ['poll', 'delivery'] as const;
type QueueName = (typeof QUEUES)[number];

/** Long enough for a redriven poll to finish before its message could be taken again. */
const REDRIVE_SECONDS = 15 * 60;

export const deadLetters: Command = {
  name: 'dead-letters',
  usage: USAGE,
  summary: 'what failed for good and why; send it again (redrive) or drop it (purge)',
  async run({ argv, deployment }) {
    const { values, positionals } = parseCommand(argv, { queue: { type: 'string' } }, USAGE);
    const [action, ...extra] = positionals;
    if (action !== 'list' && action !== 'redrive' && action !== 'purge') {
      throw new UsageError(
        action ? `unknown subcommand "dead-letters ${action}"` : 'dead-letters needs a subcommand',
        USAGE,
      );
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, USAGE);
    if (values.queue !== undefined && !(QUEUES as readonly string[]).includes(values.queue)) {
      throw new UsageError(`--queue is poll or delivery, not "${values.queue}"`, USAGE);
    }
    const target = await deployment(values.stack);
    const queues = (values.queue ? [values.queue as QueueName] : [...QUEUES]).map((name) => ({
      name,
      url: queueUrl(target, name),
    }));
    switch (action) {
      case 'list':
        return list(queues);
      case 'purge':
        return purge(queues);
      case 'redrive':
        return redrive(queues, target);
    }
  },
};

interface Queue {
  name: QueueName;
  url: string;
}

async function list(queues: Queue[]): Promise<Report> {
  const found = await Promise.all(
    queues.map(async (queue) => ({ queue, letters: (await peekQueue(queue.url)).map(readDeadLetter) })),
  );
  return {
    json: Object.fromEntries(found.map(({ queue, letters }) => [queue.name, letters.map(shown)])),
    text: found.flatMap(({ queue, letters }) => [
      `${capitalised(queue.name)} dead letters: ${letters.length === 0 ? 'none' : letters.length}`,
      ...letters.map(
        (letter) =>
          `  ${letter.messageId}  ${letter.sentAt ? formatUtc(letter.sentAt) : ''}  ${describeOrigin(letter)}: ` +
          `${letter.errorType}${letter.errorMessage ? `: ${oneLine(letter.errorMessage)}` : ''}`,
      ),
    ]),
  };
}

async function purge(queues: Queue[]): Promise<Report> {
  for (const queue of queues) await purgeQueue(queue.url);
  const names = queues.map((queue) => queue.name).join(' and ');
  return { json: { purged: queues.map((queue) => queue.name) }, text: [`Purged the ${names} dead letters`] };
}

async function redrive(queues: Queue[], target: Deployment): Promise<Report> {
  const results: Array<{
    queue: QueueName;
    messageId: string;
    function: string | null;
    error: string | null;
  }> = [];
  for (const queue of queues) {
    const taken = await takeFromQueue(queue.url, REDRIVE_SECONDS);
    try {
      for (const message of taken.messages) {
        const letter = readDeadLetter(message);
        const route = routeOf(letter, queue.name, target);
        if ('error' in route) {
          results.push({
            queue: queue.name,
            messageId: letter.messageId,
            function: null,
            error: route.error,
          });
          continue;
        }
        const { error } = await invokeFunction(route.functionName, route.payload);
        if (!error) await taken.done(message);
        results.push({
          queue: queue.name,
          messageId: letter.messageId,
          function: route.functionName,
          error: error ?? null,
        });
      }
    } finally {
      taken.close();
    }
  }
  const failed = results.filter((result) => result.error !== null);
  return {
    json: { redriven: results },
    text: [
      `Redrove ${plural(results.length - failed.length, 'dead letter')}` +
        (failed.length > 0
          ? `; ${failed.length} left in the queue (taken again in ${REDRIVE_SECONDS / 60} min)`
          : ''),
      ...results.map(
        (result) =>
          `  ${result.messageId}  ${result.error === null ? `sent again to ${result.function}` : `not sent: ${result.error}`}`,
      ),
    ],
    problems: failed.map((result) => `${result.messageId} was not sent again: ${result.error}`),
  };
}

/** Which function a dead letter goes back to, with what event. */
function routeOf(
  letter: DeadLetter,
  queue: QueueName,
  target: Deployment,
): { functionName: string; payload: unknown } | { error: string } {
  const { pollerFunctionName: poller, slackNotifierFunctionName: notifier } = target;
  if (letter.origin === 'lambda') {
    const name = [poller, notifier].find((fn) => fn && letter.functionArn?.split(':').includes(fn));
    return name
      ? { functionName: name, payload: letter.payload }
      : {
          error: `a record of ${letter.functionArn ?? 'an unknown function'}, not of this alerter's functions`,
        };
  }
  if (queue === 'delivery') {
    return notifier
      ? { functionName: notifier, payload: snsEventOf(letter) }
      : {
          error:
            'an SNS delivery, and this alerter has no Slack notifier to post it (an email cannot be sent again to one address)',
        };
  }
  return poller
    ? { functionName: poller, payload: letter.payload }
    : { error: 'the poller function is not known here (give --stack)' };
}

function queueUrl(target: Deployment, name: QueueName): string {
  const url = name === 'poll' ? target.pollDeadLetterQueueUrl : target.deliveryDeadLetterQueueUrl;
  if (!url) {
    throw new CommandError(
      `the ${name} dead-letter queue is not known here: give --stack, or set ${name === 'poll' ? 'POLL' : 'DELIVERY'}_DEAD_LETTER_QUEUE_URL`,
    );
  }
  return url;
}

function shown(letter: DeadLetter) {
  const { receiptHandle: _handle, ...rest } = letter;
  return rest;
}

function describeOrigin(letter: DeadLetter): string {
  if (letter.origin === 'lambda') return `failed run of ${letter.functionArn?.split(':')[6] ?? 'a function'}`;
  if (letter.origin === 'sns') return 'SNS delivery';
  return 'scheduled event';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function capitalised(text: string): string {
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
}
