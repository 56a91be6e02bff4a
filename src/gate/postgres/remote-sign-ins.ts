import type { ArmClient } from '../../client/arm-client.js';
import { SIGN_INS_PATH, type GateSignInReport } from '../../wire/sign-ins.js';

/** Sign-in rows written by the server's sign-in log, so the gate needs no store. */
export class RemoteSignInLog {
  constructor(private readonly client: Pick<ArmClient, 'request'>) {}

  async report(r: GateSignInReport): Promise<void> {
    await this.client.request('POST', `${SIGN_INS_PATH}?api-version=2025-01-01`, r);
  }
}
