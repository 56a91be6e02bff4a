import { computeType } from '../../api/api-versions.js';
import { Link, pathOf } from '../../router.js';

/** The last segment of an ARM id: what people call the resource. */
export const nameOf = (id: string) => id.split('/').filter(Boolean).pop() ?? id;

/** The portal page of an ARM id, when the portal has one (identities and compute resources). */
export function portalPathOf(id: string): string | undefined {
  const uai = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(id);
  if (uai) return pathOf('identities', decodeURIComponent(uai[1]!), decodeURIComponent(uai[2]!));
  const res = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id);
  if (res && computeType(`${res[2]}/${res[3]}`)) return pathOf('resources', decodeURIComponent(res[1]!), res[2]!, res[3]!, decodeURIComponent(res[4]!));
  return undefined;
}

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

/** A role assignment scope in words: "resource group rg1" rather than its full id. */
export function scopeLabel(scope: string): string {
  if (scope === '/') return 'the root scope';
  if (/^\/subscriptions\/[^/]+$/i.test(scope)) return 'the subscription';
  const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(scope);
  if (rg) return `resource group ${decodeURIComponent(rg[1]!)}`;
  return nameOf(scope);
}
