import type { RequestContext } from '../../../kernel/http/context.js';
import { ArmError } from './arm-errors.js';

/**
 * ARM paging: `nextLink` is absolute and carries every original query parameter, api-version
 * included, because the SDKs call it verbatim (docs/wire/arm.md).
 */
export function nextLink(baseUrl: string, ctx: RequestContext, continuation: string | undefined): string | undefined {
  if (continuation === undefined) return undefined;
  const q = new URLSearchParams(ctx.query);
  q.delete('$skiptoken');
  q.set('$skiptoken', Buffer.from(continuation, 'utf8').toString('base64url'));
  return `${baseUrl}${ctx.path}?${q.toString()}`;
}

export function readSkipToken(ctx: RequestContext): string | undefined {
  const t = ctx.query.get('$skiptoken');
  return t ? Buffer.from(t, 'base64url').toString('utf8') : undefined;
}

/** `$top` as page size, 1…max; default `def`. */
export function readTop(ctx: RequestContext, def: number, max: number): number {
  const raw = ctx.query.get('$top');
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ArmError(
      'InvalidParameter',
      `The value '${raw}' of $top is invalid: use a whole number from 1 to ${max}.`,
      '$top',
    );
  }
  return n;
}

export function page<T>(value: T[], link: string | undefined): { value: T[]; nextLink?: string } {
  return link ? { value, nextLink: link } : { value };
}
