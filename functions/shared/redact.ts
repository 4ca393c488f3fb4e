// Secrets cut out of text that ends up in logs and errors: a server's answer quoting a credential or a URL.

/** Shorter forms of a secret are not redacted: they would only garble the text. */
const MIN_SECRET_LENGTH = 6;

/**
 * Returns a function that replaces every form of a secret with `label`, wherever it appears; longest form first, so
 * that a whole header or URL goes before the token inside it.
 */
export function redactor(forms: readonly string[], label: string): (text: string) => string {
  const kept = forms.filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => kept.reduce((result, form) => result.split(form).join(label), text);
}

/** Keeps an error as it is unless some part of it quotes a secret: then a redacted copy. */
export function redactError(error: unknown, redact: (text: string) => string): unknown {
  if (!(error instanceof Error)) return redact(String(error));
  const texts = [error.message, error.stack ?? '', String(error.cause ?? '')];
  if (texts.every((text) => redact(text) === text)) return error;
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  copy.stack = redact(error.stack ?? '');
  return copy;
}
