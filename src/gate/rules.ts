/** One gate rule: requests with this method and a path matching the pattern need the data action. */
export interface GateRule {
  /** An HTTP method, or `*` for any. */
  method: string;
  /** Decoded segments compared literally; `*` matches one segment, a trailing `**` any rest (or none). */
  path: string;
  dataAction: string;
}

/**
 * How letter case in paths is compared (ASCII letters only: the gate must not fold what the
 * upstream's router would not). `strict`, the default, is safe in front of both kinds of upstream:
 * a path whose rule would change if case were ignored is refused, so `/ADMIN/x` cannot pass as a
 * catch-all read to a case-insensitive router (Express, ASP.NET Core, IIS), and a case-sensitive
 * one never sees a request authorized by a rule written for another spelling.
 */
export type PathCase = 'strict' | 'sensitive' | 'insensitive';
/** OPTIONS: `authorize` (default) like any method; `forward-unauthenticated` for CORS preflights, which browsers send without the token. */
export type OptionsMode = 'authorize' | 'forward-unauthenticated';

export interface GatePolicy {
  rules: readonly GateRule[];
  pathCase: PathCase;
  options: OptionsMode;
}

/** No config: every request needs one catch-all action, so RBAC still decides. */
export const DEFAULT_POLICY: GatePolicy = {
  rules: [{ method: '*', path: '/**', dataAction: 'OpenMI.Gate/requests/action' }],
  pathCase: 'strict',
  options: 'authorize',
};

const PATH_CASES: readonly PathCase[] = ['strict', 'sensitive', 'insensitive'];
const OPTIONS_MODES: readonly OptionsMode[] = ['authorize', 'forward-unauthenticated'];
const RULE_KEYS = ['method', 'path', 'dataAction'];
const CONFIG_KEYS = ['rules', 'pathCase', 'options'];

function onlyKeys(o: object, keys: readonly string[], where: string): void {
  const extra = Object.keys(o).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new Error(`${where} has an unknown key '${extra}' (allowed: ${keys.join(', ')})`);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T))
    throw new Error(`"${key}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return value as T;
}

/** Patterns are written as the normalized, decoded path they match: anything else could never match. */
function checkPattern(path: string, i: number): void {
  const where = `gate rule ${i} path '${path}'`;
  const segments = path.split('/').slice(1);
  if (/[\u0000-\u001f\u007f\\?#%;]/.test(path))
    throw new Error(`${where}: write the path decoded, without '\\', '?', '#', '%', ';' or control characters`);
  segments.forEach((s, k) => {
    if (s === '.' || s === '..')
      throw new Error(`${where}: dot segments never match (the gate removes them from requests)`);
    if (s === '' && k < segments.length - 1)
      throw new Error(`${where}: empty segments never match (the gate collapses '//')`);
    if (s === '**' && k < segments.length - 1) throw new Error(`${where}: '**' is allowed only as the last segment`);
  });
}

function parseRule(r: unknown, i: number): GateRule {
  const { method, path, dataAction } = (r ?? {}) as Record<string, unknown>;
  if (
    typeof method !== 'string' ||
    !/^(\*|[A-Za-z]+)$/.test(method) ||
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    typeof dataAction !== 'string' ||
    dataAction === ''
  ) {
    throw new Error(
      `gate rule ${i} needs "method" (a method name or *), "path" (starting with /) and "dataAction" strings`,
    );
  }
  onlyKeys(r as object, RULE_KEYS, `gate rule ${i}`);
  checkPattern(path, i);
  return { method: method.toUpperCase(), path, dataAction };
}

/** `{"rules":[…], "pathCase"?: …, "options"?: …}`: refuses unknown keys, so a typo cannot silently weaken the policy. */
export function parseGateConfig(json: unknown): GatePolicy {
  const c = json as { rules?: unknown; pathCase?: unknown; options?: unknown } | null;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.rules))
    throw new Error(
      'gate config must be {"rules":[{"method","path","dataAction"}, …]} (optional "pathCase", "options")',
    );
  onlyKeys(c, CONFIG_KEYS, 'the gate config');
  return {
    rules: c.rules.map(parseRule),
    pathCase: oneOf(c.pathCase, PATH_CASES, 'pathCase', DEFAULT_POLICY.pathCase),
    options: oneOf(c.options, OPTIONS_MODES, 'options', DEFAULT_POLICY.options),
  };
}
