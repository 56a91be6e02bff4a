import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';

export interface PortalSurfaceOptions {
  /** The built UI (index.html and assets/); default: dist/portal-ui, built by vite (portal/vite.config.ts). */
  uiDir?: string;
}

/** Sent on every portal response: the UI loads only its own files and talks only to this origin. */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NOT_BUILT = "The portal was not built. Run 'npm run build' in the openmi checkout.";

/** The raw path of the request target (the context's path has its trailing slash dropped). */
const rawPathOf = (ctx: RequestContext): string => {
  const url = ctx.req.url ?? '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
};

const isPortalPath = (raw: string): boolean => raw === '/portal' || raw.startsWith('/portal/');

/**
 * Decodes the part after `/portal/` into path segments, or undefined for anything that could
 * step outside the UI directory or name something odd: `..` or `.` segments, empty segments,
 * encoded slashes or backslashes, NUL and other control characters, malformed escapes.
 */
function safeSegments(rest: string): string[] | undefined {
  if (/%(2f|5c|00)/i.test(rest)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (/[\\\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  const segs = decoded.split('/');
  return segs.some((s) => s === '' || s === '.' || s === '..') ? undefined : segs;
}

/**
 * The web portal's static files under /portal/ (the UI routes with the URL fragment, so there
 * is no fallback to index.html), and the redirect of a browser opening `/` to it. Anonymous and
 * read-only: the UI signs in through the token service and calls ARM with a bearer token.
 */
export class PortalSurface implements Surface {
  readonly name = 'portal';
  private readonly uiDir: string;

  constructor(opts: PortalSurfaceOptions = {}) {
    this.uiDir = resolve(opts.uiDir ?? fileURLToPath(new URL('../../../../portal-ui/', import.meta.url)));
  }

  matches(ctx: RequestContext): boolean {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    const raw = rawPathOf(ctx);
    return (
      isPortalPath(raw) ||
      (raw === '/' &&
        String(ctx.req.headers.accept ?? '')
          .toLowerCase()
          .includes('text/html'))
    );
  }

  renderError(ctx: RequestContext, err: unknown): void {
    ctx.log.error({ err }, 'portal request failed');
    this.text(ctx, 500, 'The portal could not serve this file; see the server log.');
  }

  async handle(ctx: RequestContext): Promise<void> {
    const raw = rawPathOf(ctx);
    if (raw === '/') return this.redirect(ctx, 302);
    if (raw === '/portal') return this.redirect(ctx, 301);
    const segs = safeSegments(raw.slice('/portal/'.length));
    if (raw === '/portal/' || (segs?.length === 1 && segs[0] === 'index.html')) return this.index(ctx);
    if (segs && segs.length >= 2 && segs[0] === 'assets') return this.asset(ctx, segs);
    return this.text(ctx, 404, `Not found: ${ctx.path}. The portal is at /portal/.`);
  }

  private redirect(ctx: RequestContext, status: 301 | 302): void {
    ctx.res.writeHead(status, { ...PORTAL_SECURITY_HEADERS, location: '/portal/', 'content-length': 0 });
    ctx.res.end();
  }

  private async index(ctx: RequestContext): Promise<void> {
    const body = await this.read(resolve(this.uiDir, 'index.html'));
    if (!body) return this.text(ctx, 503, NOT_BUILT);
    this.send(ctx, 200, body, 'text/html; charset=utf-8', 'no-cache');
  }

  private async asset(ctx: RequestContext, segs: string[]): Promise<void> {
    const type = CONTENT_TYPES[extname(segs[segs.length - 1]!).toLowerCase()];
    const root = resolve(this.uiDir, 'assets');
    const file = resolve(root, ...segs.slice(1));
    const body = type && file.startsWith(root + sep) ? await this.read(file, root) : undefined;
    if (!body || !type) return this.text(ctx, 404, `Not found: ${ctx.path}.`);
    this.send(ctx, 200, body, type, IMMUTABLE);
  }

  /** The file's bytes, or undefined when it is not a regular file (inside `root`, symlinks resolved). */
  private async read(file: string, root?: string): Promise<Buffer | undefined> {
    try {
      const real = await realpath(file);
      if (root !== undefined && !real.startsWith((await realpath(root)) + sep)) return undefined;
      if (!(await stat(real)).isFile()) return undefined;
      return await readFile(real);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw e;
    }
  }

  private text(ctx: RequestContext, status: number, message: string): void {
    this.send(ctx, status, Buffer.from(`${message}\n`), 'text/plain; charset=utf-8', 'no-store');
  }

  private send(ctx: RequestContext, status: number, body: Buffer, type: string, cache: string): void {
    ctx.res.writeHead(status, {
      ...PORTAL_SECURITY_HEADERS,
      'content-type': type,
      'content-length': body.length,
      'cache-control': cache,
    });
    ctx.res.end(ctx.method === 'HEAD' ? undefined : body);
  }
}
