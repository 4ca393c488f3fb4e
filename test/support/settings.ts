import type { PollSettings } from '../../functions/app/poll.js';

/** Poll settings for the in-memory tests: organisation-wide, generous budgets, reminders daily. */
export function pollSettings(overrides: Partial<PollSettings> = {}): PollSettings {
  return {
    companies: [],
    lookbackDays: 30,
    itemConcurrency: 2,
    dynamoConcurrency: 2,
    leaseSeconds: 60,
    budgetMs: 60_000,
    reminders: { intervalMs: 86_400_000, max: 3 },
    flapGraceMs: 0,
    resolutionCheckMs: 0,
    unreachableAlertAfterPolls: 3,
    digestTimeZone: 'Europe/Copenhagen',
    rollupAbove: 3,
    quietFirstPoll: true,
    deliveryConcurrency: 4,
    ...overrides,
  };
}

/**
 * Each alert a message of its own, delivered one after another, from the first poll on: for tests of what happens
 * to one delivery, step by step.
 */
export const ONE_AT_A_TIME: Pick<PollSettings, 'rollupAbove' | 'quietFirstPoll' | 'deliveryConcurrency'> = {
  rollupAbove: 0,
  quietFirstPoll: false,
  deliveryConcurrency: 1,
};
