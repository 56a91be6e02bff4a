import { StorageError } from './blob-errors.js';
import type { Operation } from './operations.js';
import { accountStringToSign, serviceStringToSign, type AccountSasFields, type ServiceSasFields } from './sas.js';
import { signedByAny } from './signing.js';

const refused = (message: string) =>
  new StorageError('AuthorizationFailure', `This request is not authorized to perform this operation. ${message}`);
const failed = () =>
  new StorageError(
    'AuthenticationFailed',
    'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
  );

const get = (q: URLSearchParams, k: string): string | undefined => q.get(k) ?? undefined;

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
  if (spr && spr !== 'https' && spr !== 'https,http') throw failed();
  const sip = q.get('sip');
  if (sip) {
    const [lo, hi = lo] = sip.split('-').map(ipv4);
    const ip = ipv4(clientIp);
    if (lo === undefined || hi === undefined || ip === undefined || ip < lo || ip > hi)
      throw refused('The client IP is not allowed by the SAS.');
  }
}

const hasLetter = (sp: string, letter: string): boolean => sp.includes(letter) || (letter === 'c' && sp.includes('w'));

/** Verifies an account SAS (`ss`/`srt` present): signature, then that it covers the operation. */
function verifyAccountSas(q: URLSearchParams, op: Operation, account: string, keys: readonly string[]): void {
  const f: AccountSasFields = {
    sp: q.get('sp') ?? '',
    ss: q.get('ss') ?? '',
    srt: q.get('srt') ?? '',
    st: get(q, 'st'),
    se: q.get('se') ?? '',
    sip: get(q, 'sip'),
    spr: get(q, 'spr'),
    sv: q.get('sv') ?? '',
    ses: get(q, 'ses'),
  };
  if (!signedByAny(keys, accountStringToSign(account, f), q.get('sig') ?? '')) throw failed();
  if (!f.ss.includes('b')) throw refused('The SAS does not cover the blob service.');
  if (!f.srt.includes(op.srt)) throw refused('The SAS resource types do not cover this resource.');
  if (!hasLetter(f.sp, op.letter)) throw refused('The SAS permissions do not allow this operation.');
}

/** Verifies a service SAS: the signed resource (`sr` c or b) must be this container or this blob. */
function verifyServiceSas(q: URLSearchParams, op: Operation, account: string, keys: readonly string[]): void {
  const sr = q.get('sr') ?? '';
  if (!op.container || (sr !== 'c' && sr !== 'b')) throw refused('This operation needs an account SAS.');
  if (sr === 'b' && !op.blob) throw refused('A blob SAS does not cover container operations.');
  const canonical = `/blob/${account}/${op.container}${sr === 'b' ? `/${op.blob}` : ''}`;
  const keysOf = [
    'sp',
    'st',
    'se',
    'si',
    'sip',
    'spr',
    'sv',
    'sr',
    'ses',
    'rscc',
    'rscd',
    'rsce',
    'rscl',
    'rsct',
  ] as const;
  const f = Object.fromEntries(keysOf.map((k) => [k, get(q, k)])) as unknown as ServiceSasFields;
  if (
    !signedByAny(
      keys,
      serviceStringToSign({ ...f, snapshot: get(q, 'snapshot') ?? get(q, 'versionid') }, canonical),
      q.get('sig') ?? '',
    )
  )
    throw failed();
  if (!op.serviceSas) throw refused('This operation needs an account SAS.');
  if (f.si) throw refused('Stored access policies are not supported.');
  if (!hasLetter(f.sp ?? '', op.letter)) throw refused('The SAS permissions do not allow this operation.');
}

export function verifySas(
  q: URLSearchParams,
  op: Operation,
  account: string,
  keys: readonly string[],
  now: number,
  clientIp: string,
): void {
  if (q.has('ss') || q.has('srt')) verifyAccountSas(q, op, account, keys);
  else verifyServiceSas(q, op, account, keys);
  checkCommon(q, now, clientIp);
}
