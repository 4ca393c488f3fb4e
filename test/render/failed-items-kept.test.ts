// A reminder or resolved notice carries the group's newest jobs only (GROUP_JOBS_KEPT), its totals every job: the
// failed expenses it can count are said as such, even when none of the jobs it lists has a count.
import { describe, expect, it } from 'vitest';
import { GROUP_JOBS_KEPT } from '../../functions/domain/lifecycle.js';
import { renderEmail } from '../../functions/render/email/email.js';
import { renderSlack } from '../../functions/render/slack/slack.js';
import {
  digestMessage,
  makeAlert,
  makeJob,
  openGroup,
  reminderMessage,
  resolvedMessage,
} from './alert-fixtures.js';
import { texts } from './slack/assertions.js';

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

describe('a reminder whose listed jobs all have a count, when an older one it does not list had none', () => {
  it("says 'at least' of the group's count", () => {
    // Prepare: the newest jobs failed with 3 expenses each; the 10 oldest completed with errors Pleo did not list
    const older = Array.from({ length: GROUP_JOBS_KEPT + 10 }, (_, index) =>
      index < GROUP_JOBS_KEPT
        ? makeJob(index, { failedItems: 3 })
        : makeJob(index, { status: 'completed_with_errors', failedItems: null }),
    );

    // Act
    const message = reminderMessage(makeAlert({ jobs: older }));

    // Assess
    expect(message.jobs.every((job) => job.failedItems === 3)).toBe(true);
    expect(renderEmail(message).body).toContain(
      `at least ${3 * GROUP_JOBS_KEPT} failed expenses for this reason`,
    );
  });
});

describe('the daily digest', () => {
  it('does not count as 0 the failed expenses Pleo did not list', () => {
    // Prepare: one group of exports none of which Pleo counted, one with a count beside one it did not
    const uncounted = makeJob(0, { status: 'completed_with_errors', failedItems: null });
    const digest = digestMessage([
      openGroup(makeAlert({ jobs: [uncounted] })),
      openGroup(
        makeAlert({ reason: 'validation_failure', jobs: [uncounted, makeJob(1, { failedItems: 4 })] }),
      ),
    ]);

    // Act
    const { body } = renderEmail(digest);

    // Assess
    expect(body).toContain('1 export, failed expenses not counted by Pleo');
    expect(body).toContain('2 exports, at least 4 failed expenses');
    expect(body).toContain('In total: 3 exports with problems, at least 4 failed expenses.');
    expect(body).not.toMatch(/\b0 failed expenses/);
  });
});
