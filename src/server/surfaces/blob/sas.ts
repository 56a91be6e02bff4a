import { hmacBase64 } from './signing.js';

/** The SAS version we mint (the layout the SDK 12.32 still uses with a shared key, docs/wire/blob.md#sas). */
export const SAS_VERSION = '2022-11-02';

export interface ServiceSasFields {
  sp: string;
  st?: string | undefined;
  se: string;
  si?: string | undefined;
  sip?: string | undefined;
  spr?: string | undefined;
  sv: string;
  sr: string;
  snapshot?: string | undefined;
  ses?: string | undefined;
  rscc?: string | undefined;
  rscd?: string | undefined;
  rsce?: string | undefined;
  rscl?: string | undefined;
  rsct?: string | undefined;
}

export interface AccountSasFields {
  sp: string;
  ss: string;
  srt: string;
  st?: string | undefined;
  se: string;
  sip?: string | undefined;
  spr?: string | undefined;
  sv: string;
  ses?: string | undefined;
}

const v = (s: string | undefined): string => s ?? '';

/** Service SAS string-to-sign by `sv` (2015-04-05, 2018-11-09, 2020-12-06+ layouts). */
export function serviceStringToSign(f: ServiceSasFields, canonical: string): string {
  const head = [v(f.sp), v(f.st), v(f.se), canonical, v(f.si), v(f.sip), v(f.spr), v(f.sv)];
  const response = [v(f.rscc), v(f.rscd), v(f.rsce), v(f.rscl), v(f.rsct)];
  if (f.sv < '2018-11-09') return [...head, ...response].join('\n');
  if (f.sv < '2020-12-06') return [...head, v(f.sr), v(f.snapshot), ...response].join('\n');
  return [...head, v(f.sr), v(f.snapshot), v(f.ses), ...response].join('\n');
}

/** Account SAS string-to-sign; the 2020-12-06+ layout adds `ses` (empty) before the trailing newline. */
export function accountStringToSign(account: string, f: AccountSasFields): string {
  const base = [account, v(f.sp), v(f.ss), v(f.srt), v(f.st), v(f.se), v(f.sip), v(f.spr), v(f.sv)];
  return `${(f.sv >= '2020-12-06' ? [...base, v(f.ses)] : base).join('\n')}\n`;
}

/** Query string in the SDK's parameter order, values percent-encoded. */
function toQuery(pairs: [string, string | undefined][]): string {
  return pairs
    .filter(([, val]) => val !== undefined && val !== '')
    .map(([k, val]) => `${k}=${encodeURIComponent(val!)}`)
    .join('&');
}

export function signServiceSas(key: string, f: ServiceSasFields, canonical: string): string {
  const sig = hmacBase64(key, serviceStringToSign(f, canonical));
  return toQuery([
    ['sv', f.sv],
    ['spr', f.spr],
    ['st', f.st],
    ['se', f.se],
    ['sr', f.sr],
    ['sp', f.sp],
    ['sip', f.sip],
    ['si', f.si],
    ['rscc', f.rscc],
    ['rscd', f.rscd],
    ['rsce', f.rsce],
    ['rscl', f.rscl],
    ['rsct', f.rsct],
    ['sig', sig],
  ]);
}

export function signAccountSas(key: string, account: string, f: AccountSasFields): string {
  const sig = hmacBase64(key, accountStringToSign(account, f));
  return toQuery([
    ['sv', f.sv],
    ['ss', f.ss],
    ['srt', f.srt],
    ['sp', f.sp],
    ['se', f.se],
    ['st', f.st],
    ['spr', f.spr],
    ['sip', f.sip],
    ['sig', sig],
  ]);
}
