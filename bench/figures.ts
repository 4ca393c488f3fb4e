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
  batchGets: Measured;
  /** Alerts the poller published. */
  publishes: Measured;
  /** Messages that reached the subscribed queue. */
  delivered: number;
  /** DynamoDB requests other than BatchGetItem, by operation. */
  otherDynamo: Record<string, number>;
}

export function phaseFigures(phase: PhaseResult, ideal: IdealCost): PhaseFigures {
  const { outcome } = phase.run;
  const { BatchGetItem = 0, ...otherDynamo } = outcome.dynamoRequests;
  return {
    pleo: measured(outcome.pleoRequests, pleoRequests(ideal)),
    listPages: measured(phase.server.alertingList, ideal.listPages),
    completedListPages: measured(phase.server.completedList, ideal.resolutionPages),
    itemPages: measured(phase.server.items, ideal.itemPages),
    batchGets: measured(BatchGetItem, ideal.batchGets),
    publishes: measured(outcome.alertsPublished, ideal.publishes),
    delivered: phase.delivered,
    otherDynamo,
  };
}

function measured(value: number, ideal: number): Measured {
  return { measured: value, ideal, ratio: ratio(value, ideal) };
}
