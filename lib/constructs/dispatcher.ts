// The dispatcher: started by the poll schedule, it lists the connections and puts one message per poll request on
// the poll queue. It may read the connection records only, and send to that one queue only.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CONNECTION_PARTITION } from '../../functions/adapters/dynamodb/partitions.js';
import { ENV } from '../../functions/config/env.js';
import type { LogLevel } from '../settings.js';
import { AlerterFunction } from './alerter-function.js';
import type { PollQueue } from './poll-queue.js';

/** Listing a few hundred records and sending a few dozen batches takes a second or two. */
const DISPATCH_TIMEOUT = Duration.seconds(30);

export interface DispatcherProps {
  entry: string;
  serviceName: string;
  table: ITable;
  pollQueue: PollQueue;
  /** The settings it shares with the poller: the stack's own connection's name and companies. */
  environment: Record<string, string>;
  /** How long a tick may wait to be dispatched before the next one overtakes it. */
  maxEventAge: Duration;
  /** Receives the ticks it failed to dispatch. */
  deadLetterQueue: IQueue;
  logRetention: RetentionDays;
  logKey: IKey;
  logLevel: LogLevel;
}

export class Dispatcher extends AlerterFunction {
  constructor(scope: Construct, id: string, props: DispatcherProps) {
    super(scope, id, {
      entry: props.entry,
      description: 'Puts one poll request per Pleo connection on the poll queue at every tick',
      serviceName: props.serviceName,
      timeout: DISPATCH_TIMEOUT,
      // The next tick is the retry.
      retryAttempts: 0,
      maxEventAge: props.maxEventAge,
      deadLetterQueue: props.deadLetterQueue,
      logRetention: props.logRetention,
      logKey: props.logKey,
      logLevel: props.logLevel,
      environment: props.environment,
    });
    this.bindTable(props.table, ['dynamodb:Query'], [CONNECTION_PARTITION]);
    props.pollQueue.grantSend(this.role);
    this.addEnvironment(ENV.POLL_QUEUE_URL, props.pollQueue.queue.queueUrl);
  }
}
