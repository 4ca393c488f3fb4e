// What one poll cost set beside the least it could have cost: the figures the table prints and the test asserts.
import { type IdealCost, pleoRequests, ratio } from './ideal.js';
import type { PhaseResult } from './scenario.js';

export interface Measured {
  measured: number;
  ideal: number;
  /** measured / ideal */
  ratio: number;
}

export interface PhaseFigures {
  /** All Pleo requests, as the poller counted them. */
  pleo: Measured;
  /** Pages of failed and completed_with_errors jobs, as the demo API counted them. */
  listPages: Measured;
  /** Pages of completed jobs: the check whether open failure groups were resolved. */
  completedListPages: Measured;
  itemPages: Measured;
  /** BatchGetItem calls asking which jobs are known (not those reading groups to deliver). */
  batchGets: Measured;
  /** Messages the poller published, a combined one counting once. */
  publishes: Measured;
  /** The messages one per (company, reason) group would have been, before the roll-up. */
  groups: number;
  /** Messages that reached the subscribed queue. */
  delivered: number;
  /** DynamoDB requests that carried the messages through the outbox, in all. */
  deliveryRequests: Measured;
  /** Writing down and publishing the poll's new messages. */
  deliveryMs: number;
  /** DynamoDB requests other than the jobs' BatchGetItem, by operation. */
  otherDynamo: Record<string, number>;
}

export function phaseFigures(phase: PhaseResult, ideal: IdealCost): PhaseFigures {
  const { outcome } = phase.run;
  const deliveryGets = outcome.dynamoDeliveryRequests.BatchGetItem ?? 0;
  const { BatchGetItem = 0, ...others } = outcome.dynamoRequests;
  const otherDynamo = deliveryGets > 0 ? { ...others, 'BatchGetItem (groups)': deliveryGets } : others;
  return {
    pleo: measured(outcome.pleoRequests, pleoRequests(ideal)),
    listPages: measured(phase.server.alertingList, ideal.listPages),
    completedListPages: measured(phase.server.completedList, ideal.resolutionPages),
    itemPages: measured(phase.server.items, ideal.itemPages),
    batchGets: measured(BatchGetItem - deliveryGets, ideal.batchGets),
    publishes: measured(outcome.alertsPublished, ideal.publishes),
    groups: ideal.groups,
    delivered: phase.delivered,
    deliveryRequests: measured(
      Object.values(outcome.dynamoDeliveryRequests).reduce((sum, n) => sum + n, 0),
      ideal.deliveryRequests,
    ),
    deliveryMs: outcome.deliveryMs,
    otherDynamo,
  };
}

function measured(value: number, ideal: number): Measured {
  return { measured: value, ideal, ratio: ratio(value, ideal) };
}
