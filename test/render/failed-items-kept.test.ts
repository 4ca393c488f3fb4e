// A reminder or resolved notice carries the group's newest jobs only (GROUP_JOBS_KEPT), its totals every job: the
// failed expenses it can count are said as such, even when none of the jobs it lists has a count.
import { describe, expect, it } from 'vitest';
import { GROUP_JOBS_KEPT } from '../../functions/domain/lifecycle.js';
import { renderEmail } from '../../functions/render/email.js';
import { renderSlack } from '../../functions/render/slack.js';
import { makeAlert, makeJob, reminderMessage, resolvedMessage } from './alert-fixtures.js';
import { texts } from './slack-assertions.js';

// The newest jobs completed with errors Pleo did not list; 10 older ones failed with 3 expenses each.
const jobs = Array.from({ length: GROUP_JOBS_KEPT + 10 }, (_, index) =>
  index < GROUP_JOBS_KEPT
    ? makeJob(index, { status: 'completed_with_errors', failedItems: null })
    : makeJob(index, { failedItems: 3 }),
);

describe.each([
  ['reminder', reminderMessage(makeAlert({ jobs }))],
  ['resolved notice', resolvedMessage(makeAlert({ jobs }))],
])('a %s for a group whose listed jobs have no count of failed expenses', (_kind, message) => {
  it('still counts the 30 it knows of', () => {
    expect(message.jobs.every((job) => job.failedItems === null)).toBe(true);
    expect(message.totals.failedItems).toBe(30);
    expect(renderEmail(message).body).toContain('at least 30 failed expenses for this reason');
    expect(texts(renderSlack(message).blocks).join('\n')).toContain('at least 30 failed for this reason');
  });
});
