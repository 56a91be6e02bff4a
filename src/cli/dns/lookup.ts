/** True when `hostname` is the zone itself or a name under it (case-insensitive, trailing dot ignored). */
export function inZone(hostname: string, zone: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  const z = zone.toLowerCase().replace(/^\.|\.$/g, '');
  return h === z || h.endsWith(`.${z}`);
}

type Lookup = (hostname: string, ...rest: unknown[]) => void;

/** Wraps a `dns.lookup`: names in the zone are looked up as `target` (the server's host) instead. */
export function dataPlaneLookup(original: Lookup, zone: string, target: string): Lookup {
  return function lookup(hostname: string, ...rest: unknown[]): void {
    original(typeof hostname === 'string' && inZone(hostname, zone) ? target : hostname, ...rest);
  };
}
