import { invalid } from '../../kernel/errors.js';
import type { StorageAccountRecord } from '../../store/storage.js';

/**
 * The queue and table services' ARM properties (`…/queueServices/default`, `…/tableServices/default`:
 * CORS rules only, as Azure's QueueServiceProperties and TableServiceProperties carry), kept in the
 * account's body under a key the account's own wire form leaves out and a PUT of the account keeps.
 */
export type ServiceKind = 'queue' | 'table';
export const SERVICE_BODY_KEY: Record<ServiceKind, string> = {
  queue: 'queueServiceProperties',
  table: 'tableServiceProperties',
};

export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  maxAgeInSeconds: number;
  exposedHeaders: string[];
  allowedHeaders: string[];
}
export interface ServiceProperties {
  cors: { corsRules: CorsRule[] };
}

/** Azure's limits: at most five rules; the methods the Storage services answer preflights for. */
const MAX_RULES = 5;
const METHODS = new Set(['DELETE', 'GET', 'HEAD', 'MERGE', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'CONNECT', 'TRACE']);
const bad = (message: string) => invalid(message, { code: 'InvalidRequestContent' });

function strings(rule: Record<string, unknown>, k: string, i: number, required: boolean): string[] {
  const v = rule[k];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v) || v.length > 64 || !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 256))
    throw bad(`'cors.corsRules[${i}].${k}' must be a list of strings.`);
  return v as string[];
}

function corsRule(raw: unknown, i: number): CorsRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw bad(`'cors.corsRules[${i}]' must be an object.`);
  const r = raw as Record<string, unknown>;
  const allowedMethods = strings(r, 'allowedMethods', i, true).map((m) => m.toUpperCase());
  const unknown = allowedMethods.find((m) => !METHODS.has(m));
  if (unknown) throw bad(`'cors.corsRules[${i}].allowedMethods' has an unknown method '${unknown}'.`);
  const age = r['maxAgeInSeconds'] ?? 0;
  if (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age > 2_147_483_647)
    throw bad(`'cors.corsRules[${i}].maxAgeInSeconds' must be a non-negative integer.`);
  return {
    allowedOrigins: strings(r, 'allowedOrigins', i, true),
    allowedMethods,
    maxAgeInSeconds: age,
    exposedHeaders: strings(r, 'exposedHeaders', i, false),
    allowedHeaders: strings(r, 'allowedHeaders', i, false),
  };
}

/** A PUT body's `properties`: only `cors` is kept; absent means no rules. */
export function checkServiceProperties(body: unknown): ServiceProperties {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('The request content must be a JSON object.');
  const props = (body as Record<string, unknown>)['properties'] ?? {};
  if (typeof props !== 'object' || props === null || Array.isArray(props)) throw bad("'properties' must be an object.");
  const cors = (props as Record<string, unknown>)['cors'] ?? {};
  if (typeof cors !== 'object' || cors === null || Array.isArray(cors))
    throw bad("'properties.cors' must be an object.");
  const rules = (cors as Record<string, unknown>)['corsRules'] ?? [];
  if (!Array.isArray(rules) || rules.length > MAX_RULES)
    throw bad(`'properties.cors.corsRules' must be a list of at most ${MAX_RULES} rules.`);
  return { cors: { corsRules: rules.map(corsRule) } };
}

export function servicePropertiesOf(r: StorageAccountRecord, kind: ServiceKind): ServiceProperties {
  return (r.body[SERVICE_BODY_KEY[kind]] as ServiceProperties | undefined) ?? { cors: { corsRules: [] } };
}

/** A replaced account body (PUT) keeps the service properties set through their own routes. */
export function keepServiceProperties(
  body: Record<string, unknown>,
  existing: StorageAccountRecord,
): Record<string, unknown> {
  const kept = Object.values(SERVICE_BODY_KEY).filter((k) => existing.body[k] !== undefined);
  return { ...body, ...Object.fromEntries(kept.map((k) => [k, existing.body[k]])) };
}

/** The account's body without the service properties (its own wire form does not show them). */
export function withoutServiceProperties(body: Record<string, unknown>): Record<string, unknown> {
  const keys = new Set(Object.values(SERVICE_BODY_KEY));
  return Object.fromEntries(Object.entries(body).filter(([k]) => !keys.has(k)));
}
