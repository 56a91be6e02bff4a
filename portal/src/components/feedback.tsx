import type { ReactNode } from 'react';

/** An error in words: the server's messages already say what to fix, so show them whole. */
export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{title ?? 'That did not work.'}</strong> {message}
      {code && code !== 'NetworkError' ? <span className="muted"> ({code})</span> : null}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-ok" role="status">
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {actions ? <div className="actions">{actions}</div> : null}
    </header>
  );
}

/** Local time with the UTC instant in the tooltip. */
export function Time({ iso }: { iso: string | undefined | null }) {
  if (!iso) return <span className="muted">never</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={d.toISOString()}>
      {d.toLocaleString()}
    </time>
  );
}

/** A sign-in's result: "Success" in green, anything else "Failure" in red. */
export function ResultBadge({ result }: { result: string }) {
  const ok = result === 'success';
  return <span className={`badge ${ok ? 'ok' : 'bad'}`}>{ok ? 'Success' : 'Failure'}</span>;
}
