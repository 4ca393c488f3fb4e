// Generators for the fault sequences, shared by the in-memory run and the run through real parts.
import fc from 'fast-check';
import {
  type Fault,
  INVOCATION_FAULTS,
  ITEMS_FAULTS,
  PAGE_FAULTS,
  PUBLISH_FAULTS,
  STATE_FAULTS,
  STATE_OPS,
} from '../support/faults.js';
import { type JobSpec, jobSpecArb } from './world.js';

/** Faults of the state store and SNS, at the port. */
export const deliveryFaultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    target: fc.constantFrom(...STATE_OPS),
    nth: fc.nat(2),
    kind: fc.constantFrom(...STATE_FAULTS),
  }),
  fc.record({
    target: fc.constant('publish' as const),
    nth: fc.nat(2),
    kind: fc.constantFrom(...PUBLISH_FAULTS),
  }),
);

/** The invocation ends under a call: it runs out of time (SNS may have taken a publish), or loses its lease. */
export const invocationFaultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    target: fc.constantFrom(...STATE_OPS),
    nth: fc.nat(2),
    kind: fc.constantFrom(...INVOCATION_FAULTS),
  }),
  fc.record({
    target: fc.constant('publish' as const),
    nth: fc.nat(2),
    kind: fc.constant('timeout' as const),
  }),
);

/** Faults of Pleo, at the port: errors the client would throw, and pages that shift. */
export const pleoFaultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ target: fc.constant('page' as const), nth: fc.nat(2), kind: fc.constantFrom(...PAGE_FAULTS) }),
  fc.record({
    target: fc.constant('items' as const),
    nth: fc.nat(1),
    kind: fc.constantFrom(...ITEMS_FAULTS),
  }),
);

// The failed items of one job: one to three, each with one of two reasons or none, so a job can be in several alerts.
const itemReasonsArb = fc.array(fc.option(fc.nat(1), { nil: null, freq: 4 }), { minLength: 1, maxLength: 3 });

export const jobsArb = (maxLength: number): fc.Arbitrary<JobSpec[]> =>
  fc.array(jobSpecArb(itemReasonsArb), { maxLength });

/** What changes in Pleo before a poll, and while it pages. */
export const changesArb = fc.record({
  newJobs: jobsArb(2),
  flips: fc.array(fc.nat(9), { maxLength: 1 }),
  /** A job changes status after this many pages of the poll's listing. */
  midListing: fc.option(fc.record({ afterPage: fc.nat(2), pick: fc.nat(9) }), { nil: null, freq: 4 }),
});
