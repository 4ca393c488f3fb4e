// What every AlertState must do, as one suite: the in-memory state the poll's fast tests run on and the DynamoDB
// adapter the Lambda runs on both pass it, so the fast tests judge the poll against the semantics it really gets.
import { beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../functions/app/errors.js';
import type { AlertState } from '../../functions/app/ports.js';
import type { Alert, Message } from '../../functions/domain/alert.js';
import type { FailureGroup } from '../../functions/domain/lifecycle.js';
import { mergeAlert } from '../../functions/domain/lifecycle.js';
import { rollUp } from '../../functions/domain/rollup.js';
import {
  combinedMessage,
  digestMessage,
  makeAlert,
  makeJob,
  manyGroups,
  reminderMessage,
} from '../render/alert-fixtures.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const HOLDER = 'poll-1';
const byReason = (a: FailureGroup, b: FailureGroup) => a.reason.localeCompare(b.reason);
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/**
 * `emptyStore` gives a new, empty store for each test, as a function that opens a view of it: each call is the
 * state a new poll (a new process) would build over the same store. Writes hold only while the view's poll holds
 * the lease: the tests' `state` takes it first, as a poll does.
 */
export function alertStateContract(name: string, emptyStore: () => Promise<() => AlertState>): void {
  describe(`AlertState contract: ${name}`, () => {
    let open: () => AlertState;
    let state: AlertState;

    beforeEach(async () => {
      open = await emptyStore();
      state = open();
      await state.acquireLease(HOLDER, NOW, 3_600);
    });

    /** Another view for the poll holding the lease, as its process would open it again after a restart. */
    const reopened = async () => {
      const view = open();
      await view.acquireLease(HOLDER, NOW, 3_600);
      return view;
    };

    const alert = (alertId: string, jobIds: string[] = [`${alertId}-job`]): Alert =>
      makeAlert({ alertId, jobs: jobIds.map((jobId, i) => makeJob(i, { jobId })) });

    describe('the lease and the health kept between polls', () => {
      it('lets one poll hold the lease until it releases it or it expires', async () => {
        // Prepare
        await state.releaseLease(HOLDER);

        // Act
        const first = await state.acquireLease('a', NOW, 60);
        const whileHeld = await state.acquireLease('b', at(30), 60);
        const againByHolder = await state.acquireLease('a', at(30), 60);
        const afterExpiry = await state.acquireLease('b', at(91), 60);
        await state.releaseLease('a'); // a's lease was taken over: releasing it changes nothing
        const whileBHolds = await state.acquireLease('c', at(92), 60);
        await state.releaseLease('b');
        const afterRelease = await state.acquireLease('c', at(92), 60);

        // Assess
        expect([first, whileHeld, againByHolder, afterExpiry, whileBHolds, afterRelease]).toEqual([
          true,
          false,
          true,
          true,
          false,
          true,
        ]);
      });

      it("keeps Pleo's failure count, the completed-exports check and when watching began for the next poll", async () => {
        // Prepare
        const fresh = [
          await state.pleoFailures(),
          await state.completedCheckedAt(),
          await state.watchingSince(),
        ];

        // Act
        await state.setPleoFailures(2);
        await state.setCompletedCheckedAt(NOW.toISOString());
        await state.setWatchingSince(at(-60).toISOString());
        await state.releaseLease(HOLDER);
        const next = open();
        await next.acquireLease('poll-2', at(300), 60);

        // Assess
        expect(fresh).toEqual([0, undefined, undefined]);
        expect([
          await next.pleoFailures(),
          await next.completedCheckedAt(),
          await next.watchingSince(),
        ]).toEqual([2, NOW.toISOString(), at(-60).toISOString()]);
      });

      it('notes a digest whoever holds the lease, keeps the first note, and lets the holder clear it', async () => {
        // Act: noted twice while this poll holds the lease; the note is read by the next holder.
        await open().requestDigest(at(10));
        await open().requestDigest(at(20));
        await state.releaseLease(HOLDER);
        const next = open();
        await next.acquireLease('poll-2', at(300), 60);
        const noted = await next.digestRequestedAt();
        await next.clearDigestRequest();
        await next.releaseLease('poll-2');
        const third = open();
        await third.acquireLease('poll-3', at(600), 60);

        // Assess
        expect(noted).toBe(at(10).toISOString());
        expect(await third.digestRequestedAt()).toBeUndefined();
      });

      it('keeps where the listing stopped with the lease, for the next poll, until a pass is done', async () => {
        // Prepare
        const fresh = await state.listingCheckpoints();
        const checkpoints = {
          '*': {
            top: NOW.toISOString(),
            segments: [{ after: 'CURSOR2A' }, { after: 'B', floor: '2026-11-01' }],
          },
        };

        // Act
        await state.setListingCheckpoints(checkpoints);
        await state.releaseLease(HOLDER);
        const next = open();
        await next.acquireLease('poll-2', at(300), 60);
        const kept = await next.listingCheckpoints();
        await next.setListingCheckpoints({});
        await next.releaseLease('poll-2');
        const third = open();
        await third.acquireLease('poll-3', at(600), 60);

        // Assess
        expect(fresh).toEqual({});
        expect(kept).toEqual(checkpoints);
        expect(await third.listingCheckpoints()).toEqual({});
      });
    });

    describe('writes fenced by the lease', () => {
      it('refuses every write of a poll whose lease another poll took over: outbox, seals, groups and lease item stay', async () => {
        // Prepare: the poll staged and sealed an alert, then outlived its lease; another poll took it over.
        const first = alert('a-1');
        await state.stage(first, HOLDER, NOW);
        await state.seal(HOLDER, NOW);
        await state.claim(alert('a-2'), NOW);
        const other = open();
        expect(await other.acquireLease('poll-2', at(3_601), 60)).toBe(true);
        const before = [await open().outbox(), await open().failureGroups(), await other.pleoFailures()];

        // Act
        const writes = [
          state.stage(alert('a-3'), HOLDER, NOW),
          state.seal('poll-9', NOW),
          state.discard('a-1'),
          state.claim(first, NOW),
          state.release('a-2', 'SNS answered 400'),
          state.markPublished('a-2'),
          state.complete(alert('a-2'), NOW, (stored) => mergeAlert(stored, alert('a-2'), NOW)),
          state.setPleoFailures(3),
          state.setCompletedCheckedAt(NOW.toISOString()),
          state.setListingCheckpoints({ '*': { segments: [{ after: 'C' }] } }),
          state.setWatchingSince(NOW.toISOString()),
        ];
        const outcomes = await Promise.allSettled(writes);

        // Assess
        expect(outcomes.map((o) => (o.status === 'rejected' ? o.reason : o))).toEqual(
          writes.map(() => expect.any(LeaseLostError)),
        );
        expect([await open().outbox(), await open().failureGroups(), await other.pleoFailures()]).toEqual(
          before,
        );
        expect(await other.listingCheckpoints()).toEqual({});
        expect(await open().sealedPolls(['poll-9'])).toEqual(new Set());
      });

      it('refuses the writes of a view that never took the lease', async () => {
        await expect(open().stage(alert('a-1'), 'poll-x', NOW)).rejects.toBeInstanceOf(LeaseLostError);
        expect(await open().outbox()).toEqual([]);
      });

      it('lets a poll write on after its lease ran out, while no other poll took it', async () => {
        await state.releaseLease(HOLDER);
        const late = open();
        await late.acquireLease('poll-late', NOW, 3_600);
        await expect(late.stage(alert('a-1'), 'poll-late', at(7_200))).resolves.toBeUndefined();
      });
    });

    describe('the outbox', () => {
      it('walks a staged alert through claim, refusal, publish and completion', async () => {
        // Prepare
        const sent = alert('alert-1', ['j1', 'j2']);
        const steps: unknown[] = [];
        const look = async () =>
          steps.push((await open().outbox()).map((e) => [e.message.alertId, e.status, e.attempts, e.pollId]));

        // Act
        await state.stage(sent, 'poll-1', NOW);
        await look();
        await state.claim(sent, NOW);
        await look();
        await state.release('alert-1', 'SNS answered 500');
        await look();
        await state.claim(sent, at(60));
        await state.markPublished('alert-1');
        await look();
        await state.complete(sent, at(60), () => undefined);
        await look();

        // Assess
        expect(steps).toEqual([
          [['alert-1', 'staged', 0, 'poll-1']],
          [['alert-1', 'publishing', 1, 'poll-1']],
          [['alert-1', 'pending', 1, 'poll-1']],
          [['alert-1', 'published', 2, 'poll-1']],
          [],
        ]);
        expect(await open().knownJobIds(['j1', 'j2', 'j3'])).toEqual(new Set(['j1', 'j2']));
      });

      it('writes down a message claimed without staging, as the poll makes notices and reminders', async () => {
        // Prepare
        const reminder = reminderMessage(makeAlert({ alertId: 'a-1' }));

        // Act
        const claimed = await state.claim(reminder, NOW);

        // Assess
        expect(claimed).toEqual(reminder);
        const [entry, ...others] = await open().outbox();
        expect(others).toEqual([]);
        expect(entry).toMatchObject({ status: 'publishing', attempts: 1 });
        expect(entry?.pollId).toBeUndefined();
      });

      it('gives every kind of message back as it was written down', async () => {
        // Prepare
        const messages = [
          makeAlert({ alertId: 'plain' }, 3, { alsoFailedFor: ['receipt_file_size_limit_exceeded'] }),
          makeAlert({ alertId: 'uncounted' }, 2, { failedItems: null, failureReason: null }),
          reminderMessage(makeAlert({ alertId: 'reminded' })),
          digestMessage(manyGroups(6, 2)),
          combinedMessage(4),
          combinedMessage(3, { kind: 'reminder', currentState: false }),
          combinedMessage(5, { currentState: true, job: { failedItems: null, failureReason: null } }),
        ];

        // Act
        for (const message of messages) await state.stage(message, 'poll-1', NOW);
        const entries = await open().outbox();

        // Assess
        const byId = (a: Message, b: Message) => a.alertId.localeCompare(b.alertId);
        expect(entries.map((entry) => entry.message).sort(byId)).toEqual([...messages].sort(byId));
      });

      it('knows which polls sealed their staging', async () => {
        // Act
        await state.stage(alert('s1'), 'poll-1', NOW);
        await state.seal('poll-1', NOW);
        await state.stage(alert('s2'), 'poll-2', NOW);

        // Assess
        expect(await open().sealedPolls(['poll-1', 'poll-2', 'poll-1', 'poll-3'])).toEqual(
          new Set(['poll-1']),
        );
      });

      it('discards an entry, and a missing one without complaint', async () => {
        // Prepare
        await state.stage(alert('s1'), 'poll-1', NOW);

        // Act
        await state.discard('s1');
        await state.discard('never-staged');

        // Assess
        expect(await open().outbox()).toEqual([]);
      });

      it('refuses to release or mark published an entry it does not have', async () => {
        // Act and assess
        await expect(state.release('missing', 'SNS answered 500')).rejects.toThrow();
        await expect(state.markPublished('missing')).rejects.toThrow();
        expect(await open().outbox()).toEqual([]);
      });
    });

    describe('the jobs and groups', () => {
      it('updates the failure group as stored when a message completes, and keeps it for the next poll', async () => {
        // Prepare
        const first = alert('first', ['j1']);
        const second = alert('second', ['j2']);
        const seen: unknown[] = [];

        // Act
        const [opened] = await state.complete(first, NOW, (stored) => {
          seen.push(stored);
          return mergeAlert(stored, first, NOW);
        });
        const [grown] = await (await reopened()).complete(second, at(60), (stored) => {
          seen.push(stored?.totals.jobs);
          return mergeAlert(stored, second, at(60));
        });
        const untouched = await (await reopened()).complete(alert('third', ['j3']), at(120), () => undefined);

        // Assess
        expect(seen).toEqual([undefined, 1]);
        expect(opened?.totals.jobs).toBe(1);
        expect(untouched).toEqual([]);
        expect(await open().failureGroups()).toEqual([grown]);
        expect(grown?.mergedAlertIds).toEqual(['second', 'first']);
        expect(await open().knownJobIds(['j1', 'j2', 'j3'])).toEqual(new Set(['j1', 'j2', 'j3']));
      });

      it('completes a combined message in one go: the jobs of every section, each group once with its own sections', async () => {
        // Prepare: Acme's three reasons, two of them sharing job j2; the third group holds two parts of itself.
        const section = (alertId: string, reason: string, jobIds: string[]) =>
          makeAlert({ alertId, reason, jobs: jobIds.map((jobId, i) => makeJob(i, { jobId })) });
        const sections = [
          section('s-config', 'missing_configuration', ['j1', 'j2']),
          section('s-validation', 'validation_failure', ['j2', 'j3']),
          section('s-receipt-1', 'receipt_file_size_limit_exceeded', ['j4']),
          section('s-receipt-2', 'receipt_file_size_limit_exceeded', ['j5']),
        ];
        const [combined] = rollUp(sections, { rollupAbove: 3 });
        if (combined === undefined) throw new Error('nothing combined');
        await state.stage(combined, HOLDER, NOW);
        const seen: string[][] = [];

        // Act
        const groups = await (await reopened()).complete(combined, NOW, (stored, about) => {
          seen.push(about.map((a) => a.alertId));
          return about.reduce((group, a) => mergeAlert(group, a, NOW), stored);
        });

        // Assess
        expect(seen.sort()).toEqual([['s-config'], ['s-receipt-1', 's-receipt-2'], ['s-validation']]);
        const stored = await open().failureGroups();
        expect(stored.sort(byReason)).toEqual(groups.sort(byReason));
        expect(stored.map((g) => [g.reason, g.totals.jobs]).sort()).toEqual([
          ['missing_configuration', 2],
          ['receipt_file_size_limit_exceeded', 2],
          ['validation_failure', 2],
        ]);
        expect(await open().knownJobIds(['j1', 'j2', 'j3', 'j4', 'j5', 'j6'])).toEqual(
          new Set(['j1', 'j2', 'j3', 'j4', 'j5']),
        );
        expect(await open().outbox()).toEqual([]);
      });

      it('writes every group of a combined message about more groups than one transaction holds', async () => {
        // Prepare: 120 reasons of one company
        const sections = Array.from({ length: 120 }, (_, i) =>
          makeAlert({ alertId: `s-${i}`, reason: `reason_${i}`, jobs: [makeJob(i, { jobId: `j${i}` })] }),
        );
        const [combined] = rollUp(sections, { rollupAbove: 3 });
        if (combined === undefined) throw new Error('nothing combined');
        await state.claim(combined, NOW);

        // Act
        await state.complete(combined, NOW, (stored, about) =>
          about.reduce((group, a) => mergeAlert(group, a, NOW), stored),
        );

        // Assess
        expect(await open().failureGroups()).toHaveLength(120);
        expect(await open().outbox()).toEqual([]);
      });

      it('records the jobs of a damped alert as handled, without a group or an outbox entry', async () => {
        // Act
        await state.suppress(alert('damped', ['j1', 'j2']), NOW);

        // Assess
        const next = open();
        expect(await next.knownJobIds(['j1', 'j2', 'j3'])).toEqual(new Set(['j1', 'j2']));
        expect(await next.failureGroups()).toEqual([]);
        expect(await next.outbox()).toEqual([]);
      });

      it('answers which jobs it knows for any number of ids, repeats included', async () => {
        // Prepare
        const ids = Array.from({ length: 230 }, (_, i) => `job-${i}`);
        await state.complete(alert('big', ids.slice(0, 120)), NOW, () => undefined);

        // Act
        const known = await open().knownJobIds([...ids, 'job-3', 'job-3']);

        // Assess
        expect(known).toEqual(new Set(ids.slice(0, 120)));
      });
    });
  });
}
