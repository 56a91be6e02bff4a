import type { TokenFamily, TokenKit, Verifier } from './kit.js';

/**
 * One forged credential. Its expected outcome is the same on every verifier it applies to:
 * refused with that surface's documented refusal (401, or 400 invalid_client on the token
 * service), never accepted and never a 5xx.
 */
export interface ForgedCase {
  name: string;
  /** The credential to present; null presents none at all. */
  build(k: TokenKit): string | null;
  /** Verifiers (or whole token families) this case does not apply to, each with the reason. */
  notFor?: Partial<Record<Verifier | TokenFamily, string>>;
  /** So large that the HTTP listener may refuse it (413/431, or close the connection) before any verifier runs. */
  transport?: boolean;
}

/** Why a case is not run against `v`, or undefined when it is. */
export function notApplicable(c: ForgedCase, v: Verifier, family: TokenFamily): string | undefined {
  return c.notFor?.[v] ?? c.notFor?.[family];
}
