import dgram from 'node:dgram';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { CliError } from '../cli-error.js';
import { runChild } from '../run-child.js';
import { answer, MAX_DNS_MESSAGE } from './dns-answer.js';
import { closeAll, startRelay } from './relay.js';
import { AZURE_ADDRESS, DNS_ADDRESS, IMDS_ADDRESS, takePlan, type NsPlan } from './plan.js';

/**
 * The hidden `openmi __ns-init PLAN`, the first process inside the network and mount namespaces
 * `openmi run --transparent` creates (docs/clients.md#transparent-mode). It makes the namespace
 * look like an Azure VM, relays its listeners to the host's Unix sockets, runs the child, and
 * exits with it: the namespace has no other process, so it goes too.
 */
export async function namespaceInit(planPath: string): Promise<number> {
  const plan = takePlan(planPath);
  configure(plan);
  const events = eventSink(plan.sockets.events);
  const servers: { close(): unknown }[] = [
    await startRelay({ host: IMDS_ADDRESS, port: 80 }, () => net.connect(plan.sockets.imds)),
    await startRelay({ host: AZURE_ADDRESS, port: 443 }, () => net.connect(plan.sockets.server)),
    await startResolver((name) => events.write(`${JSON.stringify({ unserved: name })}\n`)),
  ];
  try {
    return await runChild(plan.cmd, plan.args, plan.env);
  } finally {
    closeAll(servers);
    events.end();
  }
}

function sh(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim();
    throw new CliError(`openmi run --transparent: '${cmd} ${args.join(' ')}' failed in the namespace: ${stderr}`, 2);
  }
}

/**
 * Loopback up with Azure's IMDS address on it (the namespace has no other interface, so no
 * other route); the resolver, hosts, nsswitch and CA files bind-mounted over the system's, in
 * this mount namespace only (unshare makes its mounts private, so the host never sees them).
 */
function configure(plan: NsPlan): void {
  sh('ip', ['link', 'set', 'lo', 'up']);
  sh('ip', ['addr', 'add', `${IMDS_ADDRESS}/32`, 'dev', 'lo']);
  for (const [source, target] of plan.mounts) sh('mount', ['--bind', source, target]);
  for (const dir of plan.masks) sh('mount', ['-t', 'tmpfs', '-o', 'size=4k,mode=755', 'tmpfs', dir]);
}

/** Reports stopped names to the host side, which counts them in the agent's log. */
function eventSink(path: string): net.Socket {
  const s = net.connect(path);
  s.on('error', () => undefined); // counting is best effort: the workload runs without it
  return s;
}

const TYPE_AAAA = 28;

/** The namespace's DNS server on 127.0.0.53:53 (see ./dns-answer.ts). */
function startResolver(onUnserved: (name: string) => void): Promise<dgram.Socket> {
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, from) => {
    if (msg.length > MAX_DNS_MESSAGE) return;
    const { reply, question, verdict } = answer(msg, AZURE_ADDRESS);
    // One lookup asks for A and AAAA: counted once, by its A (or other) question.
    if (verdict === 'unserved' && question && question.type !== TYPE_AAAA) onUnserved(question.name);
    if (reply.length > 0) udp.send(reply, from.port, from.address);
  });
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(53, DNS_ADDRESS, () => {
      udp.off('error', reject);
      resolve(udp);
    });
  });
}
