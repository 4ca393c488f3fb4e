// What a Slack button carries: the poller writes it into the message, the actions Lambda reads it back from the
// click Slack signed. The action is the button's action_id; its value names the failure group and the message it
// was offered in. No secret: anyone who sees the message may see it, and only a click Slack signed is acted on.
import * as z from 'zod/mini';
import { type ActionName, type ActionTarget, isActionName } from '../domain/actions.js';

const ACTION_ID_PREFIX = 'pleo-export-alerts.';
/** Slack's limit for a button's value. */
const MAX_VALUE_CHARS = 2000;

const valueSchema = z.object({
  v: z.literal(1),
  c: z.string(),
  r: z.string(),
  m: z.string(),
  n: z.optional(z.string()),
});

export const actionIdOf = (action: ActionName): string => `${ACTION_ID_PREFIX}${action}`;

/** The button's value for `target`; undefined when it would not fit in one (a reason code of kilobytes). */
export function buttonValue(target: ActionTarget): string | undefined {
  const value = JSON.stringify({
    v: 1,
    c: target.companyId,
    r: target.reason,
    m: target.alertId,
    ...(target.connection === undefined ? {} : { n: target.connection }),
  });
  return value.length <= MAX_VALUE_CHARS ? value : undefined;
}

/** The action and target a clicked button asks for, or undefined when the button is not one of the alerter's. */
export function readButton(
  actionId: string,
  value: string,
): { action: ActionName; target: ActionTarget } | undefined {
  const action = actionId.startsWith(ACTION_ID_PREFIX) ? actionId.slice(ACTION_ID_PREFIX.length) : '';
  if (!isActionName(action)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = z.safeParse(valueSchema, json);
  if (!parsed.success) return undefined;
  const { c, r, m, n } = parsed.data;
  return {
    action,
    target: { companyId: c, reason: r, alertId: m, ...(n === undefined ? {} : { connection: n }) },
  };
}
