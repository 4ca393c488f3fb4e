import { describe, expect, it } from 'vitest';
import { defang, oneLine } from '../../functions/shared/untrusted-text.js';

describe('oneLine', () => {
  it.each([
    ['line separator U+2028', 'Fix it\u2028What to do: pay'],
    ['paragraph separator U+2029', 'Fix it\u2029What to do: pay'],
    ['next line U+0085', 'Fix it\u0085What to do: pay'],
    ['vertical tab and form feed', 'Fix it\u000b\u000cWhat to do: pay'],
    ['carriage return and line feed', 'Fix it\r\nWhat to do: pay'],
  ])('keeps text with a %s on one line', (_case, text) => {
    expect(oneLine(text)).toBe('Fix it What to do: pay');
  });
});

describe('defang', () => {
  it.each([
    ['Log in at https://pleo-login.example.com/reset', 'Log in at hxxps://pleo-login[.]example[.]com/reset'],
    ['see http://evil.example', 'see hxxp://evil[.]example'],
    ['HTTPS://EVIL.EXAMPLE', 'HxxPS://EVIL[.]EXAMPLE'],
    ['go to www.evil.co.uk now', 'go to www[.]evil[.]co[.]uk now'],
    ['write to billing@evil.example', 'write to billing@evil[.]example'],
  ])('makes %j no link', (text, defanged) => {
    expect(defang(text)).toBe(defanged);
  });

  it.each(['Account 4000.00 is locked', 'Tax code 25% missing', 'Receipt over 10 MB'])(
    'leaves %j as it is',
    (text) => {
      expect(defang(text)).toBe(text);
    },
  );
});
