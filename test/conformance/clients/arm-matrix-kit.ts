/**
 * The harness of the client matrix: each flow of each unmodified @azure/arm-* package runs with
 * configuration only (endpoint, ClientSecretCredential with authorityHost and
 * disableInstanceDiscovery; the CA through NODE_EXTRA_CA_CERTS) and is recorded as pass or fail.
 */
import { createRequire } from 'node:module';

export interface MatrixEnv {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  armEndpoint: string;
  subscriptionId: string;
  rg: string;
  /** An Arc machine created over the wire before the run (arm-hybridcompute 3 has no create). */
  machine: string;
  /** A vault name and a storage account name, unique to this run. */
  vault: string;
  account: string;
}

export interface Row {
  pkg: string;
  version: string;
  flow: string;
  ok: boolean;
  detail?: string;
}

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

/** Records flows of one package; a failing flow is a row with the client's error, not a crash. */
export class Recorder {
  readonly rows: Row[] = [];
  async flow<T>(
    pkg: string,
    flow: string,
    run: () => Promise<T>,
    check?: (v: T) => string | undefined,
  ): Promise<T | undefined> {
    try {
      const v = await run();
      const problem = check?.(v);
      this.rows.push({
        pkg,
        version: versionOf(pkg),
        flow,
        ok: problem === undefined,
        ...(problem ? { detail: problem } : {}),
      });
      return v;
    } catch (e) {
      const err = e as { statusCode?: number; code?: string; message?: string };
      this.rows.push({
        pkg,
        version: versionOf(pkg),
        flow,
        ok: false,
        detail: `${err.statusCode ?? ''} ${err.code ?? ''} ${String(err.message).slice(0, 300)}`.trim(),
      });
      return undefined;
    }
  }
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const x of it) all.push(x);
  return all;
}

/** A check that fails unless `cond`, saying what was seen. */
export const expect = (cond: boolean, seen: unknown): string | undefined =>
  cond ? undefined : `unexpected: ${JSON.stringify(seen).slice(0, 300)}`;

/** provisioningState wherever the package puts it (flattened by classic clients, nested by modular ones). */
export const provisioned = (r: unknown): boolean => {
  const o = r as { provisioningState?: string; properties?: { provisioningState?: string } } | undefined;
  return (o?.provisioningState ?? o?.properties?.provisioningState) === 'Succeeded';
};
