import type { GatePolicy, GateRule } from './rules.js';

export type RuleMatch = { kind: 'action'; dataAction: string } | { kind: 'none' } | { kind: 'case-ambiguous' };

/** ASCII only: Unicode folding (the Kelvin sign is 'k' to toLowerCase) is not what routers do. */
const foldAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function pathMatches(pattern: string, segments: readonly string[], fold: boolean): boolean {
  const p = pattern.split('/').filter(Boolean);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**') return true;
    const s = segments[i];
    if (s === undefined || (p[i] !== '*' && (fold ? foldAscii(p[i]!) !== foldAscii(s) : p[i] !== s))) return false;
  }
  return p.length === segments.length;
}

/**
 * The rules a method is checked against, in order. HEAD is GET without a body (RFC 9110 §9.3.2),
 * so it follows the GET rules unless a rule names HEAD itself; those come first.
 */
function candidates(rules: readonly GateRule[], method: string): GateRule[] {
  const named = (m: string) => rules.filter((r) => r.method === m || r.method === '*');
  if (method !== 'HEAD') return named(method);
  return [...rules.filter((r) => r.method === 'HEAD'), ...named('GET')];
}

function firstIndex(rules: readonly GateRule[], segments: readonly string[], fold: boolean): number {
  return rules.findIndex((r) => pathMatches(r.path, segments, fold));
}

/**
 * The first matching rule's data action for a normalized path's decoded segments. Under
 * `strict`, a request whose first rule differs when case is ignored is refused (see PathCase).
 */
export function matchRule(policy: GatePolicy, method: string, segments: readonly string[]): RuleMatch {
  const rules = candidates(policy.rules, method.toUpperCase());
  const exact = firstIndex(rules, segments, policy.pathCase === 'insensitive');
  if (policy.pathCase === 'strict' && firstIndex(rules, segments, true) !== exact) return { kind: 'case-ambiguous' };
  return exact < 0 ? { kind: 'none' } : { kind: 'action', dataAction: rules[exact]!.dataAction };
}
