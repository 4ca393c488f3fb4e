// EventBridge Scheduler schedules: the dispatcher every N minutes (the connections' polls), and the poller for the
// optional daily digest.
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DIGEST_EVENT } from '../../functions/contracts/poller.js';
import type { DigestConfig } from '../settings.js';

export interface PollSchedulesProps {
  /** Started at every tick: it puts the connections' poll requests on the poll queue. */
  dispatcher: IFunction;
  /** Sends the daily digest. */
  poller: IFunction;
  scheduleMinutes: number;
  digest: DigestConfig;
  /** Receives the invocations Scheduler could not make after its retries. */
  deadLetterQueue: IQueue;
}

export class PollSchedules extends Construct {
  constructor(scope: Construct, id: string, props: PollSchedulesProps) {
    super(scope, id);

    // The schedules' own group: Scheduler names it (aws:SourceArn) when it takes the role on, so the role serves
    // these schedules only, not any other schedule of the account.
    const scheduleGroup = new ScheduleGroup(this, 'Group');

    // Our own role (instead of the shared one CDK would make) so its one finding is acknowledged right here.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': scheduleGroup.scheduleGroupArn,
          },
        },
      }),
      description: 'Lets EventBridge Scheduler invoke the Pleo export poller',
    });
    // cdk-nag names the finding after the function's logical id.
    for (const fn of props.digest.enabled ? [props.dispatcher, props.poller] : [props.dispatcher]) {
      const id = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the functions the schedules start and their versions/aliases (ARN:*), as grantInvoke writes it; nothing else.',
      });
    }

    new Schedule(this, 'Poll', {
      scheduleGroup,
      description: `Polls Pleo for failed exports every ${props.scheduleMinutes} minute(s): the dispatcher requests a poll of every connection`,
      schedule: ScheduleExpression.rate(Duration.minutes(props.scheduleMinutes)),
      target: new LambdaInvoke(props.dispatcher, {
        role,
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 2,
        // A tick older than this is overtaken by the next one.
        maxEventAge: Duration.minutes(Math.min(props.scheduleMinutes, 5)),
      }),
    });

    if (props.digest.enabled) {
      const [hour, minute] = props.digest.localTime.split(':');
      new Schedule(this, 'Digest', {
        scheduleGroup,
        description: `Sends the daily digest at ${props.digest.localTime} ${props.digest.timeZone}`,
        schedule: ScheduleExpression.cron({
          hour: String(Number(hour)),
          minute: String(Number(minute)),
          timeZone: TimeZone.of(props.digest.timeZone),
        }),
        target: new LambdaInvoke(props.poller, {
          role,
          input: ScheduleTargetInput.fromObject(DIGEST_EVENT),
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      });
    }
  }
}
