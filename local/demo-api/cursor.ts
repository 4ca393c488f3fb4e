// Opaque page cursors in the alphabet Pleo's cursors use (^[A-Z2-7=~]+$): RFC 4648 base32 of a position.
import type { JobKey } from './store.js';

export const CURSOR_PATTERN = /^[A-Z2-7=~]+$/;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const JOB_CURSOR = /^job:(\d{1,15}):([0-9a-f-]{36})$/;
const ITEM_CURSOR = /^item:(\d{1,9})$/;

// A job cursor holds the job's sort key, not an index: a page boundary stays put when new jobs arrive meanwhile.
export function encodeJobCursor(key: JobKey): string {
  return base32Encode(`job:${key.createdAtMs}:${key.id}`);
}

export function decodeJobCursor(cursor: string): JobKey | undefined {
  const match = JOB_CURSOR.exec(base32Decode(cursor) ?? '');
  return match ? { createdAtMs: Number(match[1]), id: match[2] as string } : undefined;
}

export function encodeItemCursor(index: number): string {
  return base32Encode(`item:${index}`);
}

export function decodeItemCursor(cursor: string): number | undefined {
  const match = ITEM_CURSOR.exec(base32Decode(cursor) ?? '');
  return match ? Number(match[1]) : undefined;
}

function base32Encode(text: string): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

function base32Decode(encoded: string): string | undefined {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of encoded.replace(/=+$/, '')) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
