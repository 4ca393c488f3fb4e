// Durations as people type them for a mute or a snooze: `30m`, `12h`, `7d`. One reader for the CLI and the actions
// Lambda, so a duration means the same wherever it is given.

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest a mute or snooze may last: past it, an expiry would outlive the state it applies to. */
export const MAX_DURATION_MS = 90 * UNIT_MS.d;

/**
 * Milliseconds in a duration such as `30m`, `12h` or `7d`.
 * @throws Error saying what is wrong: not of that form, zero, or longer than 90 days
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use minutes, hours or days, e.g. 30m, 12h, 7d`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms === 0) throw new Error(`"${text}" is no time at all: give a duration above 0`);
  if (ms > MAX_DURATION_MS) throw new Error(`"${text}" is longer than the 90 days a duration may last`);
  return ms;
}

/** A duration in the largest whole unit that says it exactly: 90m → 90m, 120m → 2h, 48h → 2d. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${Math.ceil(ms / UNIT_MS.m)}m`;
}
