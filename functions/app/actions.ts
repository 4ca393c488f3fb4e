// Acting on an alert from where it arrived (a Slack button, an email link): the same acknowledge, snooze and mute
// the command line runs (app/controls.ts), on the failure group the button or link names. A request the controls
// refuse (the group is no longer open, say) is an outcome in plain words, not an error: the reader is told.
import {
  ACTIONS,
  type ActionName,
  type ActionOutcome,
  type ActionTarget,
  retryable,
} from '../domain/actions.js';
import { describeReason } from '../domain/reasons.js';
import { acknowledge, addMute, type ControlDeps, openGroup, snooze } from './controls.js';
import { ControlRequestError } from './errors.js';
import type { ExportRetrier, OnceLedger } from './ports.js';

/** What acting needs: the controls, and for a retry Pleo (with the key that may export) and the once-ledger. */
export interface ActionDeps extends ControlDeps {
  /** Undefined: retrying is not enabled for this alerter (or this connection). */
  retrier?: ExportRetrier | undefined;
  once: OnceLedger;
}

/** How long a retry of a group blocks another: longer than an export runs; a new failure of the group frees it. */
const RETRY_HELD_MS = 86_400_000;

export interface ActionRequest {
  action: ActionName;
  target: ActionTarget;
  /** Who clicked, as the controls record it: '@ana (Slack U0123)'. */
  author: string;
  /** Where from, for the comment the controls keep: 'Slack', 'email'. */
  via: string;
}

/** Does what the button or link asks; refusals come back as outcomes, failures of the state as errors. */
export async function applyAction(deps: ActionDeps, request: ActionRequest): Promise<ActionOutcome> {
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
        return await retry(deps, { ...group, target });
    }
  } catch (error) {
    if (error instanceof ControlRequestError) return { done: false, action, problem: error.message };
    throw error;
  }
}

function durationOf(action: ActionName): number {
  return ACTIONS[action].durationMs ?? 0;
}

/**
 * One export job for the failed expenses of an open group, at most one per group until it fails again: the first
 * click takes the group's retry in the once-ledger; a second finds it taken. A refusal by Pleo frees it.
 */
async function retry(
  deps: ActionDeps,
  request: { company: string; reason: string; author: string; target: ActionTarget },
): Promise<ActionOutcome> {
  const not = (problem: string): ActionOutcome => ({ done: false, action: 'retry', problem });
  if (deps.retrier === undefined) return not('retrying an export is not enabled for this alerter');
  const group = await openGroup(deps, request);
  const info = describeReason(group.reason);
  if (retryable(info.category) === undefined) {
    return not(`a retry cannot fix ${info.title}: ${info.whatToDo}`);
  }
  // The group as it is now: a retry that fails adds a failure to it, and a new retry may then be asked for.
  const key = `retry#${group.companyId}#${group.reason}#${group.openedAt}#${group.totals.jobs}`;
  const now = deps.now();
  if (!(await deps.once.use(key, new Date(now.getTime() + RETRY_HELD_MS)))) {
    return not('a retry of these exports was asked for already; the alerter follows that export');
  }
  try {
    const entries = await deps.retrier.failedEntries(group.jobs, group.reason);
    if (entries.length === 0) {
      await deps.once.forget(key);
      return not('Pleo lists no failed expenses in these exports any more');
    }
    const created = await deps.retrier.createExportJob(group.companyId, entries);
    if (!created.created) {
      await deps.once.forget(key);
      return not(
        created.refusal === 'in-progress'
          ? 'Pleo is running an export for this company right now (one at a time); try again when it has finished'
          : "Pleo refused: the company's contra accounts are not mapped. Map them in Pleo's Accounting settings, then try again",
      );
    }
    const at = now.toISOString();
    await deps.controls.recordRetry({
      companyId: group.companyId,
      reason: group.reason,
      at,
      author: request.author,
      jobId: created.jobId,
      expenses: entries.length,
    });
    return { done: true, action: 'retry', at, jobId: created.jobId, expenses: entries.length };
  } catch (error) {
    await deps.once.forget(key).catch(() => {});
    throw error;
  }
}
