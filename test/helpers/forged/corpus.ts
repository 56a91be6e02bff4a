import { notApplicable, type ForgedCase } from './case.js';
import { CLAIM_CASES } from './claim-cases.js';
import { FAMILY, VERIFIERS, type Verifier } from './kit.js';
import { STRUCTURE_CASES } from './structure-cases.js';

export type { ForgedCase } from './case.js';
export { FAMILY, VERIFIERS, type TokenKit, type Verifier } from './kit.js';

/**
 * The forged-credential corpus every verifier in openmi is run against (test/conformance/
 * forged-token-corpus.test.ts): each case is expected to be refused by every verifier it applies
 * to, and `notFor` says, per verifier, why a case does not apply.
 */
export const FORGED_CASES: readonly ForgedCase[] = [...STRUCTURE_CASES, ...CLAIM_CASES];

/** The cases that apply to `v`. */
export function casesFor(v: Verifier): ForgedCase[] {
  return FORGED_CASES.filter((c) => notApplicable(c, v, FAMILY[v]) === undefined);
}

/** The expected outcome of every case on every verifier, as printed by the corpus suite. */
export function outcomeTable(): { name: string; outcomes: Record<Verifier, string> }[] {
  return FORGED_CASES.map((c) => ({
    name: c.name,
    outcomes: Object.fromEntries(
      VERIFIERS.map((v) => [v, notApplicable(c, v, FAMILY[v]) ? `n/a: ${notApplicable(c, v, FAMILY[v])}` : 'refused']),
    ) as Record<Verifier, string>,
  }));
}
