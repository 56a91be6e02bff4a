/**
 * Date-times as real clients write them in query filters, to epoch milliseconds. The Azure CLI's
 * `az monitor activity-log list` sends Python's `datetime.utcnow().isoformat()` unquoted and
 * without an offset (`eventTimestamp ge 2026-12-07T02:05:25.449878`); the SDKs quote ISO 8601
 * with `Z`; OData v3 tools write `datetime'…'`; .NET writes seven fractional digits.
 *
 * Accepted: an optional `datetime'…'`/`datetimeoffset'…'` wrapper or single/double quotes; a date,
 * optionally `T` or a space and hh:mm[:ss[.f{1,7}]]; an optional `Z` or ±hh[:mm]. A time without
 * an offset is UTC, as Azure reads it. Fractions beyond milliseconds are truncated.
 */
const WRAPPED = /^(?:datetime(?:offset)?)?'(.*)'$|^"(.*)"$/is;
const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,7}))?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i;

export function parseFilterTime(raw: string): number | undefined {
  const trimmed = raw.trim();
  const w = WRAPPED.exec(trimmed);
  const m = ISO.exec((w ? (w[1] ?? w[2] ?? '') : trimmed).trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m.slice(1) as (string | undefined)[];
  const parts = [Number(y!), Number(mo!) - 1, Number(d!), Number(h), Number(mi), Number(s)] as const;
  const utc = Date.UTC(...parts, Number(frac.padEnd(3, '0').slice(0, 3)));
  const check = new Date(utc);
  // Rejects 2026-02-30, 25:00 and the like instead of rolling them over.
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  )
    return undefined;
  return utc - offsetMinutes(zone) * 60_000;
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** What every "not a date-time" error tells the caller to send. */
export const FILTER_TIME_EXAMPLE = 'ISO 8601, e.g. 2026-01-01T00:00:00Z (quoted or not; without an offset it is UTC)';
