import { armList } from './arm.js';
import { API } from './api-versions.js';
import type { SignInWire } from './sign-in-log.js';
import { SIGN_INS_PATH } from '../../../src/wire/sign-ins.js';

export type { SignInWire } from './sign-in-log.js';

export interface SignInQuery {
  /** Principal (object) id, client id or identity resource id. */
  identity?: string | undefined;
  /** ARM id of the compute resource that asked. */
  callingResource?: string | undefined;
  result?: 'success' | 'failure' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The sign-in log, newest first, following nextLink up to `max` rows. */
export function querySignIns(q: SignInQuery, max = 5_000): Promise<SignInWire[]> {
  return armList<SignInWire>(
    SIGN_INS_PATH,
    {
      apiVersion: API.openmi,
      query: {
        identity: q.identity,
        callingResource: q.callingResource,
        result: q.result,
        from: q.from?.toISOString(),
        to: q.to?.toISOString(),
        $top: String(Math.min(1000, Math.max(1, max))),
      },
    },
    max,
  );
}
