// The exactly-once oracle must itself catch each way delivery can go wrong, or the fault sequences prove nothing.
import { describe, expect, it } from 'vitest';
import { ALERTER_COMPANY_ID } from '../../functions/domain/incidents.js';
import { deliveryProblems, type ExpectedFailure, type Received } from '../support/delivery-oracle.js';
import { FaultJournal } from '../support/faults.js';

const ACME = 'acme';
const failure = (reasons: string[], coarseReason = 'unknown'): ExpectedFailure => ({
  companyId: ACME,
  reasons: new Set(reasons),
  coarseReason,
});
const truth = {
  failing: new Map([
    ['j1', failure(['missing_configuration'], 'missing_configuration')],
    ['j2', failure(['receipt_upload_failure'])],
  ]),
  everFailing: new Map([
    ['j1', failure(['missing_configuration'], 'missing_configuration')],
    ['j2', failure(['receipt_upload_failure'])],
    ['j3', failure(['authorization_failure'], 'authorization_failure')],
  ]),
};
const message = (
  alertId: string,
  reason: string,
  jobIds: string[],
  extra: Partial<Received> = {},
): Received => ({
  alertId,
  kind: 'alert',
  possibleRedelivery: false,
  companyId: ACME,
  reason,
  jobIds,
  ...extra,
});
const a1 = message('a1', 'missing_configuration', ['j1']);
const a2 = message('a2', 'receipt_upload_failure', ['j2']);

function journal(setup: (j: FaultJournal) => void = () => {}): FaultJournal {
  const j = new FaultJournal();
  setup(j);
  return j;
}

describe('deliveryProblems', () => {
  it('finds nothing wrong when every failure was alerted once', () => {
    expect(deliveryProblems([a1, a2], truth, journal())).toEqual([]);
  });

  it.each<[string, Received[], FaultJournal, RegExp]>([
    ['a lost failure', [a1], journal(), /job j2 was alerted under \[\], expected \[receipt_upload_failure\]/],
    [
      'a repeat no crash explains',
      [a1, a2, { ...a1, possibleRedelivery: true }],
      journal(),
      /a1 .* sent 2 times/,
    ],
    [
      'a repeat without the flag',
      [a1, a2, a1],
      journal((j) => j.unconfirmedPublish('a1')),
      /a1 was sent again without possibleRedelivery/,
    ],
    [
      'one failure in two different alerts',
      [a1, a2, message('a3', 'missing_configuration', ['j1', 'j3'])],
      journal(),
      /job j1 missing_configuration was alerted by 2 different alerts/,
    ],
    [
      'a job that never failed',
      [a1, a2, message('a4', 'missing_configuration', ['j9'])],
      journal(),
      /names job j9, which never failed/,
    ],
    [
      'a failure under the wrong reason',
      [a1, message('a5', 'unknown', ['j2'])],
      journal(),
      /job j2 was alerted under \[unknown\]/,
    ],
    [
      'one id with different content',
      [a1, a2, { ...a2, jobIds: ['j2', 'j3'], possibleRedelivery: true }],
      journal((j) => j.unconfirmedPublish('a2')),
      /a2 was sent with different content/,
    ],
    [
      'a job listed twice in one alert',
      [a1, message('a2', 'receipt_upload_failure', ['j2', 'j2'])],
      journal(),
      /lists a job twice/,
    ],
    [
      'an alert about the alerter without a Pleo fault',
      [a1, a2, message('i1', 'pleo_api_key_invalid', ['incident:x'], { companyId: ALERTER_COMPANY_ID })],
      journal(),
      /about the alerter/,
    ],
  ])('reports %s', (_case, received, faults, problem) => {
    expect(deliveryProblems(received, truth, faults).join('\n')).toMatch(problem);
  });

  it.each<[string, Received[], FaultJournal]>([
    [
      'a flagged repeat after a publish SNS took and the outbox missed',
      [a1, a2, { ...a1, possibleRedelivery: true }],
      journal((j) => j.unconfirmedPublish('a1')),
    ],
    [
      'a job alerted under its own reason after its items could not be fetched',
      [a1, message('a6', 'unknown', ['j2'])],
      journal((j) => j.itemsFailedFor.add('j2')),
    ],
    [
      'a job alerted while it failed, then exported again',
      [a1, a2, message('a7', 'authorization_failure', ['j3'])],
      journal(),
    ],
  ])('accepts %s', (_case, received, faults) => {
    expect(deliveryProblems(received, truth, faults)).toEqual([]);
  });
});
