import { normalizeServerUrl } from './agent-http.js';
import { UpstreamUnavailable } from './upstream.js';

/** `--server` values: repeated, or comma-separated in one value; normalized, duplicates dropped. */
export function parseServerUrls(values: string | readonly string[]): string[] {
  const all = (typeof values === 'string' ? [values] : values)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const urls = [...new Set(all.map(normalizeServerUrl))];
  if (urls.length === 0) throw new Error('no openmi server URL given');
  return urls;
}

/**
 * The nodes of one installation an agent may talk to (docs/agent-protocol.md, "Several server
 * URLs"). A call goes to the node that answered last; when that node cannot be reached or fails
 * (UpstreamUnavailable: connection errors, timeouts, 5xx) the next one is tried, and so on once
 * round the list. A refusal (4xx) is the installation's answer, so it is never retried elsewhere.
 */
export class ServerList {
  readonly urls: readonly string[];
  private preferred = 0;

  constructor(urls: string | readonly string[]) {
    this.urls = parseServerUrls(urls);
  }

  /** The first URL given: the one an enrollment is saved under. */
  get primary(): string {
    return this.urls[0]!;
  }

  /** Runs `fn` against each node in turn until one answers; rethrows the last unavailability. */
  async first<T>(fn: (url: string) => Promise<T>): Promise<T> {
    let last: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const at = (this.preferred + i) % this.urls.length;
      try {
        const result = await fn(this.urls[at]!);
        this.preferred = at;
        return result;
      } catch (e) {
        if (!(e instanceof UpstreamUnavailable)) {
          this.preferred = at;
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }
}
