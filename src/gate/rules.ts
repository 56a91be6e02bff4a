/** One gate rule: requests with this method and a path matching the pattern need the data action. */
export interface GateRule {
  method: string;
  /** Segments compared literally; `*` matches one segment, a trailing `**` any rest. */
  path: string;
  dataAction: string;
}

export function parseRules(json: unknown): GateRule[] {
  const rules = (json as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) throw new Error('gate config must be {"rules":[{"method","path","dataAction"}, …]}');
  return rules.map((r, i) => {
    const { method, path, dataAction } = (r ?? {}) as Record<string, unknown>;
    if (typeof method !== 'string' || typeof path !== 'string' || !path.startsWith('/') || typeof dataAction !== 'string' || dataAction === '') {
      throw new Error(`gate rule ${i} needs "method", "path" (starting with /) and "dataAction" strings`);
    }
    return { method: method.toUpperCase(), path, dataAction };
  });
}

function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**') return true;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** The first matching rule's data action; undefined means the request is not allowed at all. */
export function dataActionFor(rules: readonly GateRule[], method: string, path: string): string | undefined {
  const m = method.toUpperCase();
  return rules.find((r) => (r.method === '*' || r.method === m) && pathMatches(r.path, path))?.dataAction;
}
