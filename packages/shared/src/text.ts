// Plain-text rules shared by the API's schemas and the mini program's forms (no zod here: the client does not
// bundle it).

/* eslint-disable no-control-regex -- finding control characters is the point of these two patterns */
/**
 * NUL and the other C0 controls, DEL, the C1 controls, and the bidi embeddings/overrides (U+202A–U+202E) and
 * isolates (U+2066–U+2069): invisible in the console and on a shipping label, they can make a name or an address
 * read as something else ("Trojan Source").
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same, but line feed, carriage return and tab allowed (multi-line text such as a product description). */
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/* eslint-enable no-control-regex */

export function hasControlCharacters(text: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(text);
}

/** A landline with its area code (010-12345678, 0755-1234567), optionally with an extension (-123). */
const LANDLINE = /^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$/;

/**
 * A mainland mobile number (11 digits starting with 1; spaces and hyphens dropped: "138 0013 8000" →
 * "13800138000") or a landline with its area code (spaces become hyphens: "0755 1234567" → "0755-1234567");
 * undefined for anything else, e.g. a 10-digit number.
 */
export function normalizePhone(input: string): string | undefined {
  const trimmed = input.trim();
  const mobile = trimmed.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(mobile)) return mobile;
  const landline = trimmed.replace(/\s+/g, '-');
  return LANDLINE.test(landline) ? landline : undefined;
}

/**
 * Where a product image may point: an https: URL, or one of the API's own image paths (`/api/images/…`).
 * Nothing else (no javascript:, data:, http:, protocol-relative `//host`, or `..` out of /api/images/).
 */
export function isImageUrl(url: string): boolean {
  if (hasControlCharacters(url) || /\s/.test(url)) return false;
  if (url.startsWith('/')) return /^\/api\/images\/[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+)*(?:\?[A-Za-z0-9=&_.-]*)?$/.test(url);
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname !== '' && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}
