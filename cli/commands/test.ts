// `test [--company <id|name>]`: a message of kind `test` through the real topic, so every subscriber (email,
// Slack) receives one marked as a test; with --company it carries that company's attributes, for a filtered
// subscription to be tried.
import { SnsAlertPublisher } from '../../functions/adapters/sns/publisher.js';
import { findCompany } from '../../functions/app/controls.js';
import { testMessage } from '../../functions/domain/test-message.js';
import { authorOf, COMMON_USAGE, CommandError, noPositionals, parseCommand } from '../args.js';
import { controlDeps, stateOf } from '../aws.js';
import type { Command } from '../command.js';

const USAGE = `test [--company <id|name>] [--author <name>] ${COMMON_USAGE}`;

export const test: Command = {
  name: 'test',
  usage: USAGE,
  summary: 'send a test message through the topic to every subscriber (email, Slack)',
  async run({ argv, io, deployment, now }) {
    const { values, positionals } = parseCommand(
      argv,
      { company: { type: 'string' }, author: { type: 'string' } },
      USAGE,
    );
    noPositionals(positionals, USAGE);
    const target = await deployment(values.stack);
    if (!target.topicArn)
      throw new CommandError('the alert topic is not known here: give --stack, or set ALERT_TOPIC_ARN');
    let company: { id: string; name: string | null } | undefined;
    if (values.company !== undefined) {
      const access = stateOf(target);
      try {
        const deps = controlDeps(access, target, io.env, now);
        company = await findCompany(deps, await access.state.failureGroups(), values.company);
      } finally {
        access.close();
      }
    }
    const message = testMessage({ company, author: authorOf(values.author), now: now() });
    const messageId = await new SnsAlertPublisher(target.topicArn).publish(message);
    return {
      json: { alertId: message.alertId, messageId, companyId: message.companyId, topicArn: target.topicArn },
      text: [
        `Sent a test message (alert ${message.alertId}) to ${target.topicArn}` +
          (company ? `, carrying company ${company.name ?? company.id}` : ''),
        'Every subscriber should receive it within a minute: `status` lists them.',
      ],
    };
  },
};
