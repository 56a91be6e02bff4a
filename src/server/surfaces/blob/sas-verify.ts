import { StorageError, type StorageErrorCode } from './blob-errors.js';
import { accountStringToSign, type AccountSasFields } from './sas.js';
import { signedByAny } from './signing.js';

/**
 * SAS verification shared by the blob, dfs, queue and table services (docs/data-planes.md#sas).
 * Each service says what one request needs (`SasNeed`); this module checks the signature against
 * the account keys in constant time, then lifetime, protocol, client IP and permissions.
 */

/** What one request needs of a SAS. */
export interface SasNeed {
  /** Account SAS `ss` letter: b (blob and dfs), q or t. */
  service: 'b' | 'q' | 't';
  /** Account SAS `srt` letter: s service, c container (container, queue, table), o object. */
  srt: 's' | 'c' | 'o';
  /** Every group must be matched by one of its letters in `sp` (Insert Or Replace Entity needs a and u). */
  perms: readonly string[];
  /** How a service SAS signs for this request, or why only an account SAS can authorize it. */
  serviceSas: ServiceSas | string;
}

export interface ServiceSas {
  /** The string-to-sign of the SAS in `q`; throws when its signed resource cannot cover the request. */
  stringToSign(q: URLSearchParams): string;
  /** Service SAS letters, when they differ from the account SAS ones. */
  perms?: readonly string[];
  /** Checks once the signature holds (the Table service's key ranges). */
  within?(q: URLSearchParams): void;
}

/** A 403 with one of Azure's authorization codes (common REST API error codes). */
export const sasRefused = (code: StorageErrorCode, why: string): StorageError =>
  new StorageError(code, `This request is not authorized to perform this operation${why}`);
const failed = () =>
  new StorageError(
    'AuthenticationFailed',
    'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
  );

const get = (q: URLSearchParams, k: string): string | undefined => q.get(k) ?? undefined;
/** `?x=` as the empty string, which every string-to-sign writes for an absent field. */
export const field = (q: URLSearchParams, k: string): string => q.get(k) ?? '';

function ipv4(s: string): number | undefined {
  const p = s
    .replace(/^::ffff:/, '')
    .split('.')
    .map(Number);
  return p.length === 4 && p.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)
    ? p.reduce((a, n) => a * 256 + n, 0)
    : undefined;
}

/** Lifetime, protocol and client IP, common to service and account SAS. */
function checkCommon(q: URLSearchParams, now: number, clientIp: string): void {
  const se = Date.parse(q.get('se') ?? '');
  if (Number.isNaN(se) || now >= se) throw failed();
  const st = q.get('st');
  if (st && (Number.isNaN(Date.parse(st)) || now < Date.parse(st))) throw failed();
  const spr = q.get('spr');
  if (spr && spr !== 'https' && spr !== 'https,http')
    throw sasRefused('AuthorizationProtocolMismatch', ' using this protocol.');
  const sip = q.get('sip');
  if (sip) {
    const [lo, hi = lo] = sip.split('-').map(ipv4);
    const ip = ipv4(clientIp);
    if (lo === undefined || hi === undefined || ip === undefined || ip < lo || ip > hi)
      throw sasRefused('AuthorizationSourceIPMismatch', ' using this source IP.');
  }
}

function checkPerms(sp: string, groups: readonly string[]): void {
  if (!groups.every((g) => [...g].some((letter) => sp.includes(letter))))
    throw sasRefused('AuthorizationPermissionMismatch', ' using this permission.');
}

/** Verifies an account SAS (`ss`/`srt` present): signature, then that it covers the request. */
function verifyAccountSas(q: URLSearchParams, need: SasNeed, account: string, keys: readonly string[]): void {
  const f: AccountSasFields = {
    sp: field(q, 'sp'),
    ss: field(q, 'ss'),
    srt: field(q, 'srt'),
    st: get(q, 'st'),
    se: field(q, 'se'),
    sip: get(q, 'sip'),
    spr: get(q, 'spr'),
    sv: field(q, 'sv'),
    ses: get(q, 'ses'),
  };
  if (!signedByAny(keys, accountStringToSign(account, f), field(q, 'sig'))) throw failed();
  if (!f.ss.includes(need.service)) throw sasRefused('AuthorizationServiceMismatch', ' using this service.');
  if (!f.srt.includes(need.srt)) throw sasRefused('AuthorizationResourceTypeMismatch', ' using this resource type.');
  checkPerms(f.sp, need.perms);
}

function verifyServiceSas(q: URLSearchParams, need: SasNeed, keys: readonly string[]): void {
  const s = need.serviceSas;
  if (typeof s === 'string') throw sasRefused('AuthorizationFailure', `. ${s}`);
  if (!signedByAny(keys, s.stringToSign(q), field(q, 'sig'))) throw failed();
  if (q.get('si')) throw sasRefused('AuthorizationFailure', '. Stored access policies are not supported.');
  checkPerms(field(q, 'sp'), s.perms ?? need.perms);
  s.within?.(q);
}

export function verifySas(
  q: URLSearchParams,
  need: SasNeed,
  account: string,
  keys: readonly string[],
  now: number,
  clientIp: string,
): void {
  if (q.has('ss') || q.has('srt')) verifyAccountSas(q, need, account, keys);
  else verifyServiceSas(q, need, keys);
  checkCommon(q, now, clientIp);
}
