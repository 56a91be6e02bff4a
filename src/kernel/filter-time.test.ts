import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterTime } from './filter-time.js';

const AT = Date.UTC(2026, 11, 7, 2, 5, 25, 449);

/** Every form a real client sends, and what it means (a time without an offset is UTC, as in Azure). */
const ACCEPTED: Array<[string, number, string]> = [
  ['2026-12-07T02:05:25.449878', AT, 'az monitor activity-log list: Python isoformat, unquoted, 6 digits, no offset'],
  ["'2026-12-07T02:05:25.449878'", AT, 'the same, quoted'],
  ['2026-12-07T02:05:25.449Z', AT, 'JavaScript toISOString'],
  ["'2026-12-07T02:05:25.4498781Z'", AT, '.NET: seven digits'],
  ['2026-12-07T02:05:25.4Z', AT - 49, 'one digit'],
  ['2026-12-07T02:05:25Z', AT - 449, 'no fraction'],
  ['2026-12-07T02:05:25', AT - 449, 'no fraction, no offset'],
  ['2026-12-07T02:05', AT - 25_449, 'no seconds'],
  ['2026-12-07T02:05:25.449878+00:00', AT, 'Python isoformat of an aware datetime'],
  ['2026-12-07T04:05:25.449+02:00', AT, 'positive offset'],
  ['2026-12-06T21:05:25.449-0500', AT, 'offset without colon'],
  ['2026-12-07T03:05:25.449+01', AT, 'offset hours only'],
  ["datetime'2026-12-07T02:05:25.449'", AT, 'OData v3 datetime literal'],
  ["datetimeoffset'2026-12-07T02:05:25.449Z'", AT, 'OData v3 datetimeoffset literal'],
  ["DateTime'2026-12-07T02:05:25.449Z'", AT, 'literal prefix in any case'],
  ['"2026-12-07T02:05:25.449Z"', AT, 'double quotes'],
  ['2026-12-07 02:05:25.449878', AT, 'Python str(datetime): a space instead of T'],
  ['2026-12-07t02:05:25.449z', AT, 'lower-case t and z'],
  ['2026-12-07', Date.UTC(2026, 11, 7), 'a date alone is its midnight UTC'],
  ['  2026-12-07T02:05:25.449Z  ', AT, 'surrounding blanks'],
];

const REFUSED = [
  'yesterday',
  '2026-13-01',
  '2026-02-30T00:00:00Z',
  '2026-12-07T25:00:00Z',
  '2026-12-07T02:61:00Z',
  '2026-12-07T02:05:25.12345678Z',
  '1733537125',
  "'2026-12-07",
  "datetime'x'",
  '',
];

describe('parseFilterTime', () => {
  for (const [raw, want, why] of ACCEPTED) {
    it(`accepts ${raw} (${why})`, () => assert.equal(parseFilterTime(raw), want));
  }
  it('refuses what is not a date-time, instead of rolling it over', () => {
    for (const raw of REFUSED) assert.equal(parseFilterTime(raw), undefined, raw);
  });
});
