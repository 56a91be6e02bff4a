import { KeyVaultError } from './errors.js';

/**
 * The ISO 8601 durations of rotation policies (`P90D`, `P18M`, `P1Y6M`), as Key Vault documents
 * them (learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation): years, months,
 * weeks and days. Calendar arithmetic in UTC, so `P1M` after January 31 is March 3 or 2, as Date does.
 */
export interface Duration {
  years: number;
  months: number;
  days: number;
}

const DURATION = /^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$/;
const DAY_MS = 86_400_000;

export function parseDuration(text: unknown, what: string): Duration {
  const m = typeof text === 'string' ? DURATION.exec(text) : null;
  if (!m || text === 'P')
    throw new KeyVaultError('BadParameter', `'${what}' must be an ISO 8601 duration such as P90D or P1Y.`);
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4) };
}

/** `from` moved by the duration, forwards (sign 1) or backwards (-1). */
export function addDuration(from: number, d: Duration, sign: 1 | -1 = 1): number {
  const t = new Date(from);
  t.setUTCFullYear(t.getUTCFullYear() + sign * d.years, t.getUTCMonth() + sign * d.months);
  return t.getTime() + sign * d.days * DAY_MS;
}

/** Whether `d` is at least `days` long, measured from `at`. */
export const atLeastDays = (d: Duration, days: number, at: number): boolean => addDuration(at, d) - at >= days * DAY_MS;
