import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURSOR_PATTERN,
  decodeItemCursor,
  decodeJobCursor,
  encodeItemCursor,
  encodeJobCursor,
} from '../../local/demo-api/cursor.js';

describe('Module: cursor', () => {
  it('round-trips job keys through cursors in the Pleo cursor alphabet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.uuid(), (createdAtMs, id) => {
        const cursor = encodeJobCursor({ createdAtMs, id });

        expect(cursor).toMatch(CURSOR_PATTERN);
        expect(decodeJobCursor(cursor)).toEqual({ createdAtMs, id });
      }),
    );
  });

  it('round-trips item indexes through cursors in the Pleo cursor alphabet', () => {
    fc.assert(
      fc.property(fc.nat({ max: 999_999_999 }), (index) => {
        const cursor = encodeItemCursor(index);

        expect(cursor).toMatch(CURSOR_PATTERN);
        expect(decodeItemCursor(cursor)).toBe(index);
      }),
    );
  });

  it.each([
    ['a cursor of the other kind', encodeItemCursor(3)],
    ['base32 of something else', 'MZXW6==='],
    ['letters outside the alphabet', 'abc'],
    ['bytes that are not UTF-8', '74======'],
  ])('decodes %s as no job cursor', (_case, cursor) => {
    expect(decodeJobCursor(cursor)).toBeUndefined();
  });

  it('decodes a job cursor as no item cursor', () => {
    expect(
      decodeItemCursor(encodeJobCursor({ createdAtMs: 1, id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01' })),
    ).toBeUndefined();
  });
});
