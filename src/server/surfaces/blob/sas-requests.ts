import { invalid } from '../../../kernel/errors.js';
import { SAS_VERSION, signAccountSas, signServiceSas, type AccountSasFields, type ServiceSasFields } from './sas.js';

/** ARM's listServiceSas / listAccountSas bodies (docs/wire/blob.md#sas), signed server-side. */

const bad = (message: string) => invalid(message, { code: 'InvalidValuesForRequestParameters' });

function str(b: Record<string, unknown>, k: string, required = false): string | undefined {
  const val = b[k];
  if (val === undefined || val === null || val === '') {
    if (required) throw bad(`The request is missing '${k}'.`);
    return undefined;
  }
  if (typeof val !== 'string') throw bad(`'${k}' must be a string.`);
  return val;
}

/** SAS times are ISO 8601 to the second, as the SDK writes them. */
function sasTime(b: Record<string, unknown>, k: string, required = false): string | undefined {
  const val = str(b, k, required);
  if (val === undefined) return undefined;
  const t = Date.parse(val);
  if (Number.isNaN(t)) throw bad(`'${k}' is not a date-time: ${val}`);
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function protocol(b: Record<string, unknown>): string | undefined {
  const p = str(b, 'signedProtocol');
  if (p !== undefined && p !== 'https' && p !== 'https,http')
    throw bad(`'signedProtocol' must be 'https' or 'https,http'.`);
  return p;
}

function letters(b: Record<string, unknown>, k: string, allowed: string): string {
  const val = str(b, k, true)!;
  if (![...val].every((c) => allowed.includes(c))) throw bad(`'${k}' may only contain '${allowed}'.`);
  return val;
}

function asBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request content must be a JSON object.', { code: 'InvalidRequestContent' });
  return body as Record<string, unknown>;
}

export const keyToSign = (body: unknown): 'key1' | 'key2' => (asBody(body)['keyToSign'] === 'key2' ? 'key2' : 'key1');

/** Only blob resources (`/blob/{account}/{container}[/{blob}]`): openmi serves no file/queue/table plane. */
export function serviceSas(account: string, key: string, body: unknown): string {
  const b = asBody(body);
  const canonical = str(b, 'canonicalizedResource', true)!;
  const m = /^\/blob\/([^/]+)\/([^/]+)(\/.+)?$/.exec(canonical);
  if (!m || m[1] !== account)
    throw bad(`'canonicalizedResource' must be /blob/${account}/{container}[/{blob}], got '${canonical}'.`);
  const sr = str(b, 'signedResource') ?? (m[3] ? 'b' : 'c');
  if (sr !== 'b' && sr !== 'c') throw bad(`'signedResource' must be 'b' or 'c'.`);
  if ((sr === 'b') !== (m[3] !== undefined)) throw bad(`'signedResource' ${sr} does not match '${canonical}'.`);
  const f: ServiceSasFields = {
    sv: SAS_VERSION,
    sr,
    sp: letters(b, 'signedPermission', 'racwdl'),
    se: sasTime(b, 'signedExpiry', true)!,
    st: sasTime(b, 'signedStart'),
    spr: protocol(b),
    sip: str(b, 'signedIp'),
    si: str(b, 'signedIdentifier'),
    rscc: str(b, 'rscc'),
    rscd: str(b, 'rscd'),
    rsce: str(b, 'rsce'),
    rscl: str(b, 'rscl'),
    rsct: str(b, 'rsct'),
  };
  return signServiceSas(key, f, canonical);
}

export function accountSas(account: string, key: string, body: unknown): string {
  const b = asBody(body);
  const f: AccountSasFields = {
    sv: SAS_VERSION,
    ss: letters(b, 'signedServices', 'bfqt'),
    srt: letters(b, 'signedResourceTypes', 'sco'),
    sp: letters(b, 'signedPermission', 'rwdlacup'),
    se: sasTime(b, 'signedExpiry', true)!,
    st: sasTime(b, 'signedStart'),
    spr: protocol(b),
    sip: str(b, 'signedIp'),
  };
  return signAccountSas(key, account, f);
}
