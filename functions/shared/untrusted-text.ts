// Text from Pleo made safe to show in a message the alerter signs: on one line, and with no link that works, so
// that a forged "What to do" line or a phishing link cannot pass for the alerter's own words.

// Control and format characters (bidi overrides, zero-width joiners) and every line or paragraph separator
// (U+2028, U+2029, NEL, vertical tab, form feed): each could start a new line or hide text.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/** Untrusted text on one line: unsafe characters replaced by spaces, runs of spaces collapsed. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
}

const SCHEME = /\b(h)tt(ps?):\/\//gi;
// A host name: labels joined by dots, ending in a top-level domain of letters (example.com, www.evil.co.uk).
const HOST = /\b(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}\b/gu;

/**
 * Links in untrusted text made inert the way security notices write them: `hxxps://example[.]com`. Mail clients
 * turn `https://…`, `www.…` and bare host names into links; none of these forms is one.
 */
export function defang(text: string): string {
  return text.replace(SCHEME, '$1xx$2://').replace(HOST, (host) => host.replaceAll('.', '[.]'));
}
