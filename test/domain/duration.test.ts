import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../functions/domain/duration.js';

describe('durations', () => {
  it('reads minutes, hours and days', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration(' 7d ')).toBe(7 * 86_400_000);
  });

  it.each([
    ['0d', '"0d" is no time at all: give a duration above 0'],
    ['7', '"7" is not a duration: use minutes, hours or days, e.g. 30m, 12h, 7d'],
    ['1w', '"1w" is not a duration: use minutes, hours or days, e.g. 30m, 12h, 7d'],
    ['-5m', '"-5m" is not a duration: use minutes, hours or days, e.g. 30m, 12h, 7d'],
    ['91d', '"91d" is longer than the 90 days a duration may last'],
  ])('refuses %s', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('prints a duration in its largest exact unit', () => {
    expect([90, 120, 48 * 60, 7 * 24 * 60].map((minutes) => formatDuration(minutes * 60_000))).toEqual([
      '90m',
      '2h',
      '2d',
      '7d',
    ]);
  });
});
