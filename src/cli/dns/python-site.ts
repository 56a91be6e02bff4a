import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../../kernel/private-files.js';
import { AZURE_DOMAINS, AZURE_SERVED_HOSTS, AZURE_SERVED_SUFFIXES } from '../../wire/azure-hosts.js';

/**
 * The `sitecustomize` module `openmi run` puts first on a Python child's path: the same redirect as
 * the Node preload (./preload.ts), done in `socket.getaddrinfo`, whose answer carries the port, so
 * requests, urllib, http.client and aiohttp reach openmi while TLS still checks the Azure name.
 * It then imports the next `sitecustomize` on the path (Debian ships one), so none is lost.
 */
function sitecustomize(): string {
  const list = (xs: readonly string[]) => JSON.stringify(xs);
  return `# Written by openmi run (docs/clients.md#transparent-mode). Do not edit: rewritten on every run.
import os as _os, socket as _socket, sys as _sys

def _openmi_install():
    target = _os.environ.get('OPENMI_AZURE_TARGET', '')
    host, _, port = target.rpartition(':')
    host = host.strip('[]')
    if not host or not port.isdigit():
        return
    served, suffixes, domains = set(${list(AZURE_SERVED_HOSTS)}), ${list(AZURE_SERVED_SUFFIXES)}, ${list(AZURE_DOMAINS)}
    original = _socket.getaddrinfo

    def kind(name):
        n = name.lower().rstrip('.')
        if n in served or any(n.endswith(s) and len(n) > len(s) and '.' not in n[: -len(s)] for s in suffixes):
            return 'served'
        return 'unserved' if any(n == d or n.endswith('.' + d) for d in domains) else None

    def getaddrinfo(h, p, *args, **kwargs):
        name = h.decode('ascii', 'replace') if isinstance(h, bytes) else h
        k = kind(name) if isinstance(name, str) else None
        if k == 'served':
            return original(host, int(port) if str(p) in ('443', 'https') else p, *args, **kwargs)
        if k == 'unserved':
            raise _socket.gaierror(_socket.EAI_NONAME, "openmi run: '%s' is an Azure service openmi does not serve, "
                "so the connection was stopped before leaving this machine. openmi answers on "
                "management.azure.com, login.microsoftonline.com, graph.microsoft.com, {vault}.vault.azure.net, "
                "{account}.{blob,dfs,queue,table}.core.windows.net." % name)
        return original(h, p, *args, **kwargs)

    _socket.getaddrinfo = getaddrinfo

def _openmi_chain():
    import importlib
    here = _os.path.dirname(_os.path.abspath(__file__))
    saved, mine = list(_sys.path), _sys.modules.pop('sitecustomize', None)
    _sys.path[:] = [p for p in _sys.path if _os.path.abspath(p or '.') != here]
    try:
        importlib.import_module('sitecustomize')
    except ModuleNotFoundError as e:
        if e.name != 'sitecustomize':
            raise
    finally:
        _sys.path[:] = saved
        if mine is not None:
            _sys.modules['sitecustomize'] = mine

_openmi_install()
_openmi_chain()
`;
}

/** Where distributions keep the system's CA bundle (Debian/Ubuntu, Fedora/RHEL, Alpine/macOS, SUSE). */
export const SYSTEM_BUNDLES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
  '/etc/ssl/ca-bundle.pem',
];

/**
 * The system's CAs plus openmi's: REQUESTS_CA_BUNDLE and SSL_CERT_FILE replace the trust store
 * rather than add to it, so openmi's CA alone would cut the child off from every other https site.
 * Without a system bundle, Node's own copy of the Mozilla roots stands in.
 */
export function caBundle(caPem: string): string {
  const system = SYSTEM_BUNDLES.find((p) => existsSync(p));
  const roots = system ? readFileSync(system, 'utf8') : rootCertificates.join('\n');
  return `${roots.trimEnd()}\n# openmi's CA\n${caPem.trimEnd()}\n`;
}

export interface TransparentFiles {
  /** A directory holding `sitecustomize.py`, for PYTHONPATH. */
  pythonPath: string;
  /** The CA bundle for REQUESTS_CA_BUNDLE and SSL_CERT_FILE. */
  bundlePath: string;
}

/** Writes the Python hook and the CA bundle under `{dataDir}/run/` (rewritten each run, atomically). */
export function writeTransparentFiles(dataDir: string, caPem: string): TransparentFiles {
  const dir = join(dataDir, 'run');
  const pythonPath = join(dir, 'python');
  ensurePrivateDir(pythonPath);
  writePrivateFile(join(pythonPath, 'sitecustomize.py'), sitecustomize());
  const bundlePath = join(dir, 'ca-bundle.pem');
  writePrivateFile(bundlePath, caBundle(caPem));
  return { pythonPath, bundlePath };
}
