// Acting on an alert from where it arrived (a Slack button, an email link): the same acknowledge, snooze and mute
// the command line runs (app/controls.ts), on the failure group the button or link names. A request the controls
// refuse (the group is no longer open, say) is an outcome in plain words, not an error: the reader is told.
import { ACTIONS, type ActionName, type ActionOutcome, type ActionTarget } from '../domain/actions.js';
import { acknowledge, addMute, type ControlDeps, snooze } from './controls.js';
import { ControlRequestError } from './errors.js';

export interface ActionRequest {
  action: ActionName;
  target: ActionTarget;
  /** Who clicked, as the controls record it: '@ana (Slack U0123)'. */
  author: string;
  /** Where from, for the comment the controls keep: 'Slack', 'email'. */
  via: string;
}

/** Does what the button or link asks; refusals come back as outcomes, failures of the state as errors. */
export async function applyAction(deps: ControlDeps, request: ActionRequest): Promise<ActionOutcome> {
  const { action, target, author, via } = request;
  const group = { company: target.companyId, reason: target.reason, author };
  try {
    switch (action) {
      case 'ack': {
        const done = await acknowledge(deps, { ...group, comment: `from ${via}` });
        return { done: true, action, at: done.at };
      }
      case 'snooze': {
        const done = await snooze(deps, { ...group, durationMs: durationOf(action), comment: `from ${via}` });
        return { done: true, action, at: done.at, until: done.until };
      }
      case 'mute': {
        const done = await addMute(deps, {
          ...group,
          durationMs: durationOf(action),
          comment: `${ACTIONS.mute.label} from ${via}`,
        });
        return { done: true, action, at: done.createdAt, until: done.expiresAt };
      }
      case 'retry':
        return { done: false, action, problem: 'retrying an export is not enabled for this alerter' };
    }
  } catch (error) {
    if (error instanceof ControlRequestError) return { done: false, action, problem: error.message };
    throw error;
  }
}

function durationOf(action: ActionName): number {
  return ACTIONS[action].durationMs ?? 0;
}
