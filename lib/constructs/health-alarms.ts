// Alarms that tell the team when the alerter itself is broken; they notify through the alert topic.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SUCCESSFUL_POLLS_METRIC } from '../../functions/contracts/poller.js';

export interface HealthAlarmsProps {
  topic: ITopic;
  poller: IFunction;
  dispatcher: IFunction;
  /** The poller's POWERTOOLS_SERVICE_NAME: the `service` dimension of its metrics. */
  pollerServiceName: string;
  scheduleMinutes: number;
  missedPollsBeforeAlarm: number;
  /** Dead-letter queues to watch, by a short name used in the alarm's id and description. */
  deadLetterQueues: Record<string, IQueue>;
  /** Every alarm's name starts with it: the topic and its key let only these alarms publish. */
  alarmNamePrefix: string;
}

export class HealthAlarms extends Construct {
  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const schedulePeriod = Duration.minutes(props.scheduleMinutes);

    const name = (id: string) => `${props.alarmNamePrefix}${id}`;

    // Any error of a function in a schedule period.
    const errors: Array<[string, IFunction, string]> = [
      [
        'PollerErrors',
        props.poller,
        'The Pleo export poller failed (it threw). Look at its log group; failed invocations are kept in the poll dead-letter queue.',
      ],
      [
        'DispatcherErrors',
        props.dispatcher,
        "The dispatcher failed (it threw): the connections' polls of that tick were not all requested. Look at its log group; the failed ticks are kept in the poll dead-letter queue.",
      ],
    ];
    for (const [id, fn, description] of errors) {
      notify(
        new Alarm(this, id, {
          alarmName: name(id),
          alarmDescription: description,
          metric: fn.metricErrors({ period: schedulePeriod, statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        action,
      );
    }

    // No successful poll for N schedule periods: a broken schedule, a crashing poller, a poll that cannot finish.
    notify(
      new Alarm(this, 'AlerterDown', {
        alarmName: name('AlerterDown'),
        alarmDescription: `No successful Pleo poll for ${props.missedPollsBeforeAlarm} schedule period(s) of ${props.scheduleMinutes} minute(s): failed exports are not being watched. Check the poller's logs (expired Pleo API key? empty secret?).`,
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: SUCCESSFUL_POLLS_METRIC,
          dimensionsMap: { service: props.pollerServiceName },
          statistic: 'Sum',
          period: schedulePeriod,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: props.missedPollsBeforeAlarm,
        // No data at all is exactly what a dead alerter looks like.
        treatMissingData: TreatMissingData.BREACHING,
      }),
      action,
    );

    for (const [queueName, queue] of Object.entries(props.deadLetterQueues)) {
      notify(
        new Alarm(this, `${queueName}DeadLetters`, {
          alarmName: name(`${queueName}DeadLetters`),
          alarmDescription: `Messages are waiting in the ${queueName} dead-letter queue: something was not processed or delivered. Inspect them, then purge the queue.`,
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        action,
      );
    }
  }
}

/** Notifies on ALARM and on OK, so the team also hears when it recovers. */
function notify(alarm: Alarm, action: IAlarmAction): void {
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}
