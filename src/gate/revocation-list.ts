import type { ArmClient } from '../client/arm-client.js';
import type { TokenRevocationRecord } from '../store/records.js';
import type { TokenRevocationRepo } from '../store/store.js';
import { REVOCATIONS_PATH, type RevocationWire } from '../wire/authorization.js';

/** How often the gate re-reads the server's revocations: a revoked token works for at most this long. */
export const REVOCATION_REFRESH_MS = 5_000;

/** The server's answer, read as untrusted: a malformed row is skipped, not believed. */
type WireRevocation = { [K in keyof RevocationWire]?: unknown };

function parse(body: { value?: WireRevocation[] } | undefined): Map<string, number> {
  // A malformed answer must not wipe the list: refresh() throws and the last list stays.
  if (!Array.isArray(body?.value)) throw new Error('the revocations answer has no "value" array');
  const next = new Map<string, number>();
  for (const r of body.value) {
    const at = typeof r.revokedAt === 'string' ? Date.parse(r.revokedAt) : NaN;
    if (typeof r.principalId === 'string' && Number.isFinite(at))
      next.set(r.principalId, Math.max(at, next.get(r.principalId) ?? 0));
  }
  return next;
}

/**
 * The server's token revocations, for the gate: fetched at start, then every REVOCATION_REFRESH_MS.
 * A failed refresh keeps the last list (and is reported); before the first successful fetch,
 * every lookup fetches, so the gate never admits a token without having seen the list.
 */
export class RemoteRevocationList implements Pick<TokenRevocationRepo, 'get'> {
  private byPrincipal: Map<string, number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Pick<ArmClient, 'request'>,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly refreshMs: number = REVOCATION_REFRESH_MS,
  ) {}

  /** First fetch (throws if the server refuses), then periodic refreshes until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(() => void this.refresh().catch(this.onError), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    const body = await this.client.request<{ value?: WireRevocation[] }>(
      'GET',
      `${REVOCATIONS_PATH}?api-version=2025-01-01`,
    );
    this.byPrincipal = parse(body);
  }

  async get(principalId: string): Promise<TokenRevocationRecord | undefined> {
    if (!this.byPrincipal) await this.refresh();
    const revokedAt = this.byPrincipal!.get(principalId);
    return revokedAt === undefined ? undefined : { principalId, revokedAt, revokedBy: '' };
  }
}
