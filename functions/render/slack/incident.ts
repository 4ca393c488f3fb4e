// The Slack message about the alerter itself: it cannot watch the exports, it still cannot, or it works again.

import type { MrkdwnText, SlackBlock, SlackMessage } from '../../contracts/slack-message.js';
import type { Alert } from '../../domain/alert.js';
import { isKeyWarning } from '../../domain/incidents.js';
import { describeReason } from '../../domain/reasons.js';
import { headline, namesCompany } from '../headline.js';
import { incidentDetail, incidentSince, incidentWording } from '../incident-wording.js';
import { cap, companyLabel, formatCount, formatUtc, since, timeBetween } from '../text.js';
import { code, escapeMrkdwn, field, header, section } from './mrkdwn.js';
import { fallback, footer } from './parts.js';

const MEANWHILE = 'Failures that happen meanwhile are reported once it is fixed.';

export function incidentSlack(alert: Alert): SlackMessage {
  const info = describeReason(alert.reason);
  const wording = incidentWording(alert.reason);
  const detail = incidentDetail(alert);
  const resolved = alert.kind === 'resolved';
  const title = headline(alert);

  const warning = isKeyWarning(alert);
  const fields: MrkdwnText[] = [
    field('Problem', `${escapeMrkdwn(info.title)} (${code(cap(alert.reason, 100))})`),
  ];
  if (namesCompany(alert)) fields.push(field('Connection', escapeMrkdwn(companyLabel(alert))));
  fields.push(
    ...(resolved
      ? recoveredFields(alert)
      : warning
        ? [field('Who acts', escapeMrkdwn(info.whoActs))]
        : brokenFields(alert, info.whoActs)),
  );
  const blocks: SlackBlock[] = [header(resolved ? `✅ ${title}` : title), { type: 'section', fields }];

  const said = detail ? escapeMrkdwn(detail) : '';
  const text = resolved
    ? [
        `${escapeMrkdwn(wording.recoveredSentence)} The alerter reports export failures again, including those it missed. No action is needed.`,
        ...(said ? [`*At the time*\n${said}`] : []),
      ]
    : [
        ...(said ? [`*What happened*\n${said}`] : []),
        `*What it means*\n${escapeMrkdwn(info.explanation)}${warning ? '' : ` ${MEANWHILE}`}`,
        `*What to do*\n${escapeMrkdwn(info.whatToDo)}`,
      ];
  blocks.push(section(text.join('\n')), footer(alert));

  return { text: fallback(title, resolved ? 'No action is needed.' : info.whatToDo), blocks };
}

function brokenFields(alert: Alert, whoActs: string): MrkdwnText[] {
  const started = incidentSince(alert);
  const fields = [
    field('Broken since', alert.kind === 'reminder' ? since(started, alert.detectedAt) : formatUtc(started)),
    field('Who acts', escapeMrkdwn(whoActs)),
  ];
  if (alert.kind === 'reminder' && alert.lifecycle) {
    fields.push(field('Reminder', formatCount(alert.lifecycle.remindersSent + 1)));
  }
  return fields;
}

function recoveredFields(alert: Alert): MrkdwnText[] {
  const openedAt = incidentSince(alert);
  const resolvedAt = alert.lifecycle?.resolvedAt ?? alert.detectedAt;
  const span = timeBetween(openedAt, resolvedAt);
  const fields = [
    field('Was broken', `${formatUtc(openedAt)} to ${formatUtc(resolvedAt)}${span ? ` (${span})` : ''}`),
  ];
  if (alert.lifecycle) fields.push(field('Reminders sent', formatCount(alert.lifecycle.remindersSent)));
  return fields;
}
