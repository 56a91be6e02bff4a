import { nameOf, portalPathOf } from '../../components/arm-ids.js';
import { Link } from '../../router.js';

/** A resource shown by name, with its full id in the tooltip (and for screen readers via title). */
export function ResourceName({ id, link = true }: { id: string | null | undefined; link?: boolean }) {
  if (!id) return <span className="muted">—</span>;
  const to = link ? portalPathOf(id) : undefined;
  return to ? (
    <Link to={to} title={id}>
      {nameOf(id)}
    </Link>
  ) : (
    <span title={id}>{nameOf(id)}</span>
  );
}

/** Mono text (an operation, an audience URL) allowed to wrap only after its slashes and dots. */
export function OperationText({ op, dots = false }: { op: string; dots?: boolean }) {
  const parts = op.split(dots ? /(?<=[/.])/ : /(?<=\/)/);
  return (
    <span className="mono op" title={op}>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 ? <wbr /> : null}
        </span>
      ))}
    </span>
  );
}
