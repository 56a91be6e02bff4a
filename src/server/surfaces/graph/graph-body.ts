import { readBody } from '../../../kernel/http/body.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { parseJson } from '../../../kernel/json.js';
import { GraphError } from './graph-errors.js';

/** Graph bodies here are small objects; 64 KiB is far above any group or reference body. */
const MAX_BODY = 64 * 1024;

export async function readJsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  let v: unknown;
  try {
    v = parseJson((await readBody(ctx.req, MAX_BODY)).toString('utf8'));
  } catch {
    v = undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new GraphError('Request_BadRequest', `Send a JSON object body of at most ${MAX_BODY} bytes.`);
  return v as Record<string, unknown>;
}
