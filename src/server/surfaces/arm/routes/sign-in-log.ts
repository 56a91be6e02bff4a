import { gateSignInEvent } from '../../../audit/gate-sign-ins.js';
import { parseSignIn, type StoredSignIn } from '../../../audit/sign-in-log.js';
import type { SignInRecorder } from '../../../audit/sign-ins.js';
import { verifyLogChunk, type VerifyCursor, type VerifyResult } from '../../../audit/verify.js';
import type { AuditLogName } from '../../../../store/records.js';
import type { AuditQuery, Store } from '../../../../store/store.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { FILTER_TIME_EXAMPLE, parseFilterTime } from '../../../../kernel/filter-time.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import type { ArmCall, ArmRoute } from '../router.js';
import { SIGN_INS_PATH, type SignInWire } from '../../../../wire/sign-ins.js';

const NS = 'OpenMI.Audit';
export const VERIFY_PATH = `/providers/${NS}/verify`;

function time(c: ArmCall, name: string): number | undefined {
  const raw = c.ctx.query.get(name);
  if (raw === null) return undefined;
  const t = parseFilterTime(raw);
  if (t === undefined)
    throw new ArmError(
      'InvalidParameter',
      `'${raw}' is not a date-time; use ${FILTER_TIME_EXAMPLE} for ${name}.`,
      name,
    );
  return t;
}

/** Query parameters: from, to (ISO), identity (principal id, client id or identity resource id), callingResource, result. */
export function signInQuery(c: ArmCall): AuditQuery {
  const q: AuditQuery = { eq: {} };
  const from = time(c, 'from');
  const to = time(c, 'to');
  if (from !== undefined) q.from = from;
  if (to !== undefined) q.to = to;
  const identity = c.ctx.query.get('identity');
  if (identity) q.anyOf = { columns: ['principal_key', 'client_key', 'identity_key'], value: identity.toLowerCase() };
  const calling = c.ctx.query.get('callingResource');
  if (calling) q.eq!['calling_key'] = calling.toLowerCase();
  const result = c.ctx.query.get('result');
  if (result !== null) {
    if (result !== 'success' && result !== 'failure')
      throw new ArmError('InvalidParameter', `result must be 'success' or 'failure', not '${result}'.`, 'result');
    q.eq!['result'] = result;
  }
  return q;
}

/**
 * A sign-in in Graph/Log Analytics terms (docs/wire/arm.md#sign-in-log), with openmi's agent and flow added. A row
 * that refusals were folded into (docs/audit.md) also says how many and when the last arrived.
 */
export function signInWire(s: StoredSignIn): SignInWire {
  const folded =
    s.count === undefined ? {} : { requestCount: s.count, lastDateTime: new Date(s.lastAt ?? s.at).toISOString() };
  return {
    id: s.id,
    createdDateTime: new Date(s.at).toISOString(),
    correlationId: s.correlationId,
    flow: s.flow,
    servicePrincipalId: s.principalId,
    appId: s.clientId,
    resourceId: s.audience,
    managedServiceIdentity: {
      associatedResourceId: s.callingResourceId,
      identityResourceId: s.identityResourceId,
      agentId: s.agentId,
    },
    status: { errorCode: s.errorCode, failureReason: s.reason },
    result: s.result,
    durationMs: s.latencyMs,
    source: s.source ?? 'server',
    ...folded,
  };
}

const LOGS: readonly AuditLogName[] = ['activity', 'signIns'];
/** Rows one verify request checks (a few seconds of hashing): big logs take several requests, each well within client timeouts. */
export const VERIFY_ROWS_PER_REQUEST = 100_000;

function readCursor(c: ArmCall): VerifyCursor | undefined {
  const raw = readSkipToken(c.ctx);
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as VerifyCursor;
    if (
      LOGS.includes(v.log) &&
      Number.isSafeInteger(v.lane) &&
      v.lane >= 0 &&
      Number.isSafeInteger(v.seq) &&
      typeof v.hash === 'string' &&
      Number.isSafeInteger(v.rows)
    )
      return v;
  } catch {
    // Falls through to the error below.
  }
  throw new ArmError(
    'InvalidParameter',
    'The $skiptoken is not one this server issued; follow the nextLink of the previous verify response as is.',
    '$skiptoken',
  );
}

/**
 * Both logs in order, from `from` on, until VERIFY_ROWS_PER_REQUEST rows are checked: the logs
 * finished in this request, and where to go on when the budget ran out.
 */
async function verifySome(
  store: Store,
  from: VerifyCursor | undefined,
): Promise<{ value: VerifyResult[]; cursor?: VerifyCursor }> {
  const value: VerifyResult[] = [];
  let budget = VERIFY_ROWS_PER_REQUEST;
  for (const log of LOGS.slice(from ? LOGS.indexOf(from.log) : 0)) {
    const start = from?.log === log ? from : undefined;
    const r = await verifyLogChunk(store, log, { ...(start ? { from: start } : {}), maxRows: budget });
    if (!('ok' in r)) return { value, cursor: r };
    value.push(r);
    budget = Math.max(1, budget - (r.rows - (start?.rows ?? 0)));
  }
  return { value };
}

/**
 * The sign-in log (query, paging; a gate's report of a sign-in it decided) and chain verification
 * of both logs, tenant-wide. `signIns` must not count reports as token requests (metrics).
 */
export function signInLogRoutes(d: { store: Store; baseUrl: string; signIns: SignInRecorder }): ArmRoute[] {
  const common = { apiVersions: OPENMI_API_VERSIONS };
  const list = async (c: ArmCall) => {
    const p = await d.store.audit.query('signIns', signInQuery(c), readTop(c.ctx, 200, 1000), readSkipToken(c.ctx));
    return {
      status: 200,
      body: page(
        p.items.map((r) => signInWire(parseSignIn(r))),
        nextLink(d.baseUrl, c.ctx, p.next),
      ),
    };
  };
  // The gate awaits the row, so a sign-in it admits is logged before the session starts.
  const report = async (c: ArmCall) => {
    await d.signIns.record(gateSignInEvent(c.body));
    return { status: 204 };
  };
  const verify = async (c: ArmCall) => {
    const { value, cursor } = await verifySome(d.store, readCursor(c));
    const more = cursor && {
      progress: { log: cursor.log, rows: cursor.rows },
      nextLink: nextLink(d.baseUrl, c.ctx, JSON.stringify(cursor)),
    };
    return { status: 200, body: { ok: value.every((v) => v.ok), value, ...more } };
  };
  return [
    {
      ...common,
      resourceType: `${NS}/signIns`,
      pattern: SIGN_INS_PATH,
      methods: {
        GET: { action: `${NS}/signIns/read`, handle: list },
        POST: { action: `${NS}/signIns/write`, handle: report },
      },
    },
    {
      ...common,
      resourceType: `${NS}/verify`,
      pattern: VERIFY_PATH,
      methods: { POST: { action: `${NS}/verify/action`, handle: verify } },
    },
  ];
}
