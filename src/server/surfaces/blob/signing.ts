import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA256(base64decode(key), text)): the signature of SharedKey and of every SAS. */
export function hmacBase64(keyBase64: string, text: string): string {
  return createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(text, 'utf8').digest('base64');
}

/** Constant-time comparison of two base64 signatures (length leaks nothing: all are 44 chars). */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `given` is the signature of `text` under either account key. */
export function signedByAny(keys: readonly string[], text: string, given: string): boolean {
  // Every key is tried even after a match, so timing does not reveal which key signed.
  let ok = false;
  for (const k of keys) ok = signaturesEqual(hmacBase64(k, text), given) || ok;
  return ok;
}
