import { setTimeout as wait } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  OrganisationListingRefusedError,
  PleoCredentialsError,
  PleoRequestError,
  PleoUnavailableError,
  PublishRefusedError,
} from '../../functions/app/errors.js';
import { type PollSettings, pollOnce, UndeliveredAlertsError } from '../../functions/app/poll.js';
import type { AlertPublisher, Log } from '../../functions/app/ports.js';
import { type Alert, alertsOf, isCombined, type Message, reasonsOf } from '../../functions/domain/alert.js';
import { ACME, item, job, NORDLYS } from '../fixtures/jobs.js';
import { FakePleo } from '../support/fake-pleo.js';
import { MemoryAlertState } from '../support/memory-state.js';
import { ONE_AT_A_TIME, pollSettings } from '../support/settings.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const settings = pollSettings();

class RecordingPublisher implements AlertPublisher {
  readonly messages: Message[] = [];
  failures = 0;
  /** Errors thrown instead of publishing, in turn; a refusal by default. */
  error: () => Error = () =>
    new PublishRefusedError('SNS answered 400: InvalidParameterException: Invalid parameter');
  async publish(message: Message): Promise<string> {
    if (this.failures > 0) {
      this.failures--;
      throw this.error();
    }
    this.messages.push(message);
    return `m-${this.messages.length}`;
  }

  /** Each alert of each message published: a combined message's sections. */
  get sent(): Alert[] {
    return this.messages.flatMap((message) => [...alertsOf(message)]);
  }
}

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

describe('pollOnce', () => {
  let pleo: FakePleo;
  let state: MemoryAlertState;
  let publisher: RecordingPublisher;
  let publisherBuilt: number;

  const poll = (owner = 'poll-1', s: PollSettings = settings) =>
    pollOnce(
      {
        pleo,
        state,
        publisher: async () => {
          publisherBuilt++;
          return publisher;
        },
        log: silent,
        now: () => NOW,
        owner,
      },
      s,
    );

  beforeEach(() => {
    pleo = new FakePleo();
    state = new MemoryAlertState();
    publisher = new RecordingPublisher();
    publisherBuilt = 0;
  });

  it('alerts each new failure once, grouped by company and reason, and nothing on the next poll', async () => {
    // Prepare
    pleo.jobs = [
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'authorization_failure' }),
      job({ companyId: NORDLYS }),
      job({ status: 'completed', failureReasonType: null, createdAt: '2026-11-01T00:00:00.000Z' }),
    ];

    // Act
    const first = await poll();
    const second = await poll();

    // Assess
    expect(publisher.sent.map((a) => [a.companyId, a.reason, a.totals.jobs])).toEqual([
      [ACME, 'authorization_failure', 1],
      [ACME, 'missing_configuration', 2],
      [NORDLYS, 'missing_configuration', 1],
    ]);
    // The first poll of a fresh table: one message per company, the state when watching began.
    expect(publisher.messages.map((m) => [m.companyId, isCombined(m) ? m.combined : null])).toEqual([
      [ACME, 'current-state'],
      [NORDLYS, 'current-state'],
    ]);
    expect(first).toMatchObject({ jobsSeen: 4, newFailures: 4, alertsPublished: 2, alertsFailed: 0 });
    expect(second).toMatchObject({ jobsSeen: 4, newFailures: 0, alertsPublished: 0 });
    expect(state.entries.size).toBe(0);
  });

  it('does not build the publisher when there is nothing to send', async () => {
    await poll();
    expect(publisherBuilt).toBe(0);
  });

  it('alerts one new failure appearing later, alone', async () => {
    pleo.jobs = [job(), job()];
    await poll();
    const late = job({ failureReasonType: 'missing_configuration' });
    pleo.jobs.push(late);
    await poll();
    expect(publisher.sent).toHaveLength(2);
    expect(publisher.sent[1]?.jobs.map((j) => j.jobId)).toEqual([late.id]);
  });

  it('keeps an alert whose publish failed and sends it, once, on the next poll', async () => {
    // Prepare
    pleo.jobs = [job()];
    publisher.failures = 1;

    // Act
    const failed = await poll().catch((error: unknown) => error);
    const retried = await poll();
    await poll();

    // Assess
    expect(failed).toBeInstanceOf(UndeliveredAlertsError);
    expect(retried.alertsPublished).toBe(1);
    expect(publisher.sent).toHaveLength(1);
    expect(publisher.sent[0]?.possibleRedelivery).toBe(false);
  });

  it('re-sends, flagged as a possible repeat, an alert whose publish timed out without an answer', async () => {
    pleo.jobs = [job()];
    publisher.failures = 1;
    publisher.error = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    await expect(poll()).rejects.toBeInstanceOf(UndeliveredAlertsError);
    await poll();
    expect(publisher.sent.map((a) => a.possibleRedelivery)).toEqual([true]);
  });

  it('re-sends, flagged as a possible repeat, an alert a poll died while publishing', async () => {
    // Prepare: the claim was written, then the process died.
    pleo.jobs = [job()];
    publisher.failures = 1;
    await poll().catch(() => {});
    const [entry] = state.entries.values();
    if (entry) entry.status = 'publishing';

    // Act
    await poll();

    // Assess
    expect(publisher.sent).toHaveLength(1);
    expect(publisher.sent[0]?.possibleRedelivery).toBe(true);
  });

  it('finishes the bookkeeping of an alert published just before a crash, without sending it again', async () => {
    pleo.jobs = [job()];
    publisher.failures = 1;
    await poll().catch(() => {});
    const [entry] = state.entries.values();
    if (entry) entry.status = 'published';
    await poll();
    expect(publisher.sent).toHaveLength(0);
    expect(state.jobs.size).toBe(1);
    expect(state.entries.size).toBe(0);
  });

  it('delivers what earlier polls left in the outbox even when Pleo is down', async () => {
    pleo.jobs = [job()];
    publisher.failures = 1;
    await poll().catch(() => {});
    pleo.failNext = new PleoUnavailableError('down');
    await expect(poll()).rejects.toThrow(PleoUnavailableError);
    expect(publisher.sent).toHaveLength(1);
  });

  it('fails with the error that ended the poll when releasing the lease fails too', async () => {
    // Prepare
    pleo.failNext = new PleoUnavailableError('down');
    state.releaseLease = async () => {
      throw new Error('DynamoDB did not answer');
    };

    // Act
    const error = await poll().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PleoUnavailableError);
  });

  it('fails with the release error when only releasing the lease failed', async () => {
    state.releaseLease = async () => {
      throw new Error('DynamoDB did not answer');
    };
    await expect(poll()).rejects.toThrow('DynamoDB did not answer');
  });

  it('says what a multi-entity organisation needs when Pleo refuses the organisation-wide listing', async () => {
    const refusal =
      'GET /v2/export-jobs answered 400: {"type":"bad_request","message":"company_id is required"}';
    pleo.failNext = new PleoRequestError(refusal);
    const organisationWide = await poll().catch((e: Error) => e);
    expect(organisationWide).toBeInstanceOf(OrganisationListingRefusedError);
    expect(organisationWide).toHaveProperty(
      'message',
      `${refusal} (the whole organisation was listed at once: a multi-entity organisation must name its companies)`,
    );

    pleo.failNext = new PleoRequestError(refusal);
    const companyByCompany = await poll('p', { ...settings, companies: [{ id: ACME }] }).catch(
      (e: Error) => e,
    );
    expect(companyByCompany).toEqual(new PleoRequestError(refusal));
  });

  it('skips the poll while another holds the lease, and sends nothing twice when they overlap', async () => {
    pleo.jobs = [job(), job({ failureReasonType: 'validation_failure' })];
    await state.acquireLease('other', NOW, 60);
    const skipped = await poll('poll-2');
    await state.releaseLease('other');
    const [a, b] = await Promise.all([poll('poll-3'), poll('poll-4')]);
    expect(skipped.skipped).toBe(true);
    expect([a.skipped, b.skipped].sort()).toEqual([false, true]);
    expect(publisher.sent).toHaveLength(2);
  });

  it('counts the failed items of a job over every page Pleo lists them in, folded page by page', async () => {
    // Prepare: 250 failed items over three pages, two reasons spread across them.
    const cwe = job({ status: 'completed_with_errors', failureReasonType: null, numberOfItems: 250 });
    pleo.jobs = [cwe];
    pleo.items.set(
      cwe.id,
      Array.from({ length: 250 }, (_, i) =>
        item(cwe.id, i % 5 === 0 ? { failureReasonType: 'accounting_system_validation_failure' } : {}),
      ),
    );

    // Act
    await poll();

    // Assess
    expect(pleo.requestCount).toBe(4); // the job listing and three pages of items
    expect(publisher.sent.map((a) => [a.reason, a.jobs[0]?.failedItems]).sort()).toEqual([
      ['accounting_system_validation_failure', 50],
      ['receipt_file_size_limit_exceeded', 200],
    ]);
  });

  it('loses neither alert of a job with two reasons when one of them cannot be written down', async () => {
    // Prepare: each alert on its own; the second stage write fails once.
    const oneByOne = pollSettings(ONE_AT_A_TIME);
    const cwe = job({ status: 'completed_with_errors', failureReasonType: null });
    pleo.jobs = [cwe];
    pleo.items.set(cwe.id, [
      item(cwe.id),
      item(cwe.id, { failureReasonType: 'accounting_system_validation_failure' }),
    ]);
    const stage = state.stage.bind(state);
    let stages = 0;
    state.stage = async (...args) => {
      if (++stages === 2) throw new Error('ProvisionedThroughputExceeded');
      return stage(...args);
    };

    // Act
    await expect(poll('poll-1', oneByOne)).rejects.toBeInstanceOf(UndeliveredAlertsError);
    const sentFirst = publisher.sent.length;
    await poll('poll-1', oneByOne);
    await poll('poll-1', oneByOne);

    // Assess: the first alert waited with the second, or the job's second reason would have been lost.
    expect(sentFirst).toBe(0);
    expect(publisher.sent.map((a) => a.reason).sort()).toEqual([
      'accounting_system_validation_failure',
      'receipt_file_size_limit_exceeded',
    ]);
  });

  it('delivers the other new alerts when one cannot be written down, and reports that one every poll', async () => {
    // Prepare: DynamoDB refuses one alert's item, every time.
    pleo.jobs = [
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'validation_failure' }),
    ];
    const stage = state.stage.bind(state);
    state.stage = async (message, ...rest) => {
      if (reasonsOf(message).includes('missing_configuration'))
        throw new Error('Item size has exceeded the maximum allowed size');
      return stage(message, ...rest);
    };

    // Act
    const first = await poll().catch((e: unknown) => e);
    const second = await poll().catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(UndeliveredAlertsError);
    expect(second).toBeInstanceOf(UndeliveredAlertsError);
    expect(publisher.sent.map((a) => a.reason)).toEqual(['validation_failure']);
    expect(state.entries.size).toBe(0);
  });

  it('keeps delivering the other alerts when one cannot be written down', async () => {
    pleo.jobs = [
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'validation_failure' }),
    ];
    const claim = state.claim.bind(state);
    let claims = 0;
    state.claim = async (...args) => {
      if (++claims === 1) throw new Error('Item size has exceeded the maximum allowed size');
      return claim(...args);
    };
    const oneByOne = pollSettings(ONE_AT_A_TIME);
    await expect(poll('poll-1', oneByOne)).rejects.toBeInstanceOf(UndeliveredAlertsError);
    expect(publisher.sent.map((a) => a.reason)).toEqual(['validation_failure']);
    await poll('poll-1', oneByOne);
    expect(publisher.sent.map((a) => a.reason)).toEqual(['validation_failure', 'missing_configuration']);
  });

  it('fetches failed items of completed_with_errors jobs and still alerts a job whose items fail to load', async () => {
    // Prepare
    const cwe = job({ status: 'completed_with_errors', failureReasonType: null, numberOfItems: 5 });
    const broken = job({ status: 'completed_with_errors', failureReasonType: null });
    pleo.jobs = [cwe, broken];
    pleo.items.set(cwe.id, [
      item(cwe.id),
      item(cwe.id, { failureReasonType: 'accounting_system_validation_failure' }),
    ]);
    pleo.failItemsFor.set(broken.id, new PleoRequestError('Pleo answered 404'));

    // Act
    await poll();

    // Assess
    expect(publisher.sent.map((a) => [a.reason, a.jobs.map((j) => j.jobId)]).sort()).toEqual([
      ['accounting_system_validation_failure', [cwe.id]],
      ['receipt_file_size_limit_exceeded', [cwe.id]],
      ['unknown', [broken.id]],
    ]);
  });

  it('leaves a recent job whose items Pleo could not list for now to the next poll, then alerts its item reasons', async () => {
    // Prepare: a job that ended an hour ago; its items time out on the first poll only
    const cwe = job({
      status: 'completed_with_errors',
      failureReasonType: null,
      createdAt: new Date(NOW.getTime() - 3_600_000).toISOString(),
    });
    const plain = job();
    pleo.jobs = [cwe, plain];
    pleo.items.set(cwe.id, [item(cwe.id)]);
    pleo.failItemsFor.set(cwe.id, new PleoUnavailableError('Pleo kept answering 503'));

    // Act
    const first = await poll();
    pleo.failItemsFor.clear();
    const second = await poll();

    // Assess: never the coarse 'unknown' alert, and nothing lost
    expect(first).toMatchObject({ newFailures: 2, deferredFailures: 1, alertsPublished: 1 });
    expect(second).toMatchObject({ newFailures: 1, deferredFailures: 0, alertsPublished: 1 });
    expect(publisher.sent.map((a) => [a.reason, a.jobs.map((j) => j.jobId)])).toEqual([
      ['missing_configuration', [plain.id]],
      ['receipt_file_size_limit_exceeded', [cwe.id]],
    ]);
  });

  it('alerts a job older than six hours under its own reason when Pleo cannot list its items for now', async () => {
    // Prepare
    const cwe = job({
      status: 'completed_with_errors',
      failureReasonType: null,
      createdAt: new Date(NOW.getTime() - 7 * 3_600_000).toISOString(),
    });
    pleo.jobs = [cwe];
    pleo.failItemsFor.set(cwe.id, new PleoUnavailableError('Pleo kept answering 503'));

    // Act
    const report = await poll();

    // Assess
    expect(report).toMatchObject({ deferredFailures: 0, alertsPublished: 1 });
    expect(publisher.sent.map((a) => [a.reason, a.jobs.map((j) => j.jobId)])).toEqual([
      ['unknown', [cwe.id]],
    ]);
  });

  it('leaves failures whose items it had no time to fetch for the next poll, and alerts the rest', async () => {
    // Prepare
    const cwe = job({ status: 'completed_with_errors', failureReasonType: null });
    const plain = job();
    pleo.jobs = [cwe, plain];
    pleo.items.set(cwe.id, [item(cwe.id)]);

    // Act: Pleo answers the listing after the time for item listings (three quarters of 100 ms) has passed.
    pleo.beforePage = () => wait(80);
    const hurried = await poll('p', { ...settings, budgetMs: 100 });
    pleo.beforePage = async () => {};
    const next = await poll();

    // Assess
    expect(hurried).toMatchObject({ newFailures: 2, deferredFailures: 1, alertsPublished: 1 });
    expect(next).toMatchObject({ newFailures: 1, deferredFailures: 0, alertsPublished: 1 });
    expect(publisher.sent.map((a) => a.jobs[0]?.jobId)).toEqual([plain.id, cwe.id]);
  });

  it('polls each configured company and names it', async () => {
    pleo.jobs = [job(), job({ companyId: NORDLYS })];
    await poll('p', { ...settings, companies: [{ id: NORDLYS, name: 'Nordlys AB' }] });
    expect(publisher.sent.map((a) => [a.companyId, a.companyName])).toEqual([[NORDLYS, 'Nordlys AB']]);
  });

  it('ignores failures older than the lookback', async () => {
    pleo.jobs = [job({ createdAt: '2026-10-01T00:00:00.000Z' }), job()];
    const report = await poll('p', { ...settings, lookbackDays: 10 });
    expect(report.newFailures).toBe(1);
  });

  it('counts a job listed twice in one page once', async () => {
    const twice = job();
    pleo.jobs = [twice, twice, job()];
    await poll();
    expect(publisher.sent[0]?.jobs.map((j) => j.jobId).filter((id) => id === twice.id)).toHaveLength(1);
  });

  it('counts a job listed twice (pages shifting) once', async () => {
    const twice = job();
    pleo.jobs = [twice, job(), twice];
    pleo.pageSize = 2;
    await poll();
    expect(publisher.sent[0]?.jobs.map((j) => j.jobId).filter((id) => id === twice.id)).toHaveLength(1);
  });

  it('sends one alert about the API key when Pleo answers 401, and fails the poll', async () => {
    // Prepare
    pleo.jobs = [job()];
    pleo.failNext = new PleoCredentialsError(401);

    // Act
    const first = await poll().catch((error: unknown) => error);
    pleo.failNext = new PleoCredentialsError(401);
    const second = await poll().catch((error: unknown) => error);

    // Assess
    expect(first).toBeInstanceOf(PleoCredentialsError);
    expect(second).toBeInstanceOf(PleoCredentialsError);
    expect(publisher.sent.map((a) => [a.reason, a.category])).toEqual([['pleo_api_key_invalid', 'admin']]);
  });

  it('releases the lease when the poll fails', async () => {
    pleo.failNext = new PleoUnavailableError('down');
    await expect(poll()).rejects.toThrow();
    expect(state.lease).toBeUndefined();
  });
});
