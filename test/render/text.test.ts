import { describe, expect, it } from 'vitest';
import { since, timeBetween } from '../../functions/render/text.js';

describe('timeBetween', () => {
  it.each([
    ['2026-11-26T09:00:00Z', '2026-11-26T09:00:30Z', 'less than a minute'],
    ['2026-11-26T09:00:00Z', '2026-11-26T09:01:00Z', '1 minute'],
    ['2026-11-26T09:00:00Z', '2026-11-26T09:45:59Z', '45 minutes'],
    ['2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z', '1 hour'],
    ['2026-11-26T09:00:00Z', '2026-11-27T08:59:00Z', '23 hours'],
    ['2026-11-26T09:00:00Z', '2026-11-27T09:00:00Z', '1 day'],
    ['2026-11-26T09:00:00Z', '2026-11-28T09:00:00Z', '2 days'],
    ['2026-11-26T09:00:00Z', '2026-11-27T12:30:00Z', '1 day 3 hours'],
    ['2026-11-01T09:00:00Z', '2026-11-28T20:00:00Z', '27 days'],
  ])('says %s to %s is %j', (from, to, expected) => {
    expect(timeBetween(from, to)).toBe(expected);
  });

  it.each([
    ['an unparseable start', 'yesterday', '2026-11-28T09:00:00Z'],
    ['an end before the start', '2026-11-28T09:00:00Z', '2026-11-26T09:00:00Z'],
  ])('gives nothing for %s', (_case, from, to) => {
    expect(timeBetween(from, to)).toBeUndefined();
  });
});

describe('since', () => {
  it.each([
    ['2026-11-26T09:00:00Z', '2026-11-28T09:00:00Z', '2026-11-26 09:00 UTC (2 days)'],
    ['2026-11-26T09:00:00Z', 'not a time', '2026-11-26 09:00 UTC'],
  ])('shows %s seen at %s as %j', (from, until, expected) => {
    expect(since(from, until)).toBe(expected);
  });
});
