import type { SignInWire } from '../../api/sign-in-log.js';
import { flowLabel } from '../../api/sign-in-log.js';
import { ResultBadge, Time } from '../../components/feedback.js';
import type { DetailField } from './detail-dialog.js';

const mono = (v: string | null | undefined) => (v ? <span className="mono">{v}</span> : '');

export function signInDetail(s: SignInWire, principalName: string | undefined): DetailField[] {
  const msi = s.managedServiceIdentity;
  return [
    { label: 'Time', value: <Time iso={s.createdDateTime} /> },
    { label: 'Result', value: <ResultBadge result={s.result} /> },
    ...(s.requestCount
      ? [
          { label: 'Requests', value: String(s.requestCount) },
          { label: 'Last request', value: <Time iso={s.lastDateTime ?? s.createdDateTime} /> },
        ]
      : []),
    { label: 'Error code', value: mono(s.status.errorCode) },
    { label: 'Failure reason', value: s.status.failureReason ?? '' },
    { label: 'Flow', value: flowLabel(s.flow) },
    { label: 'Identity', value: mono(msi.identityResourceId) },
    {
      label: 'Principal id',
      value: s.servicePrincipalId ? (
        <span className="mono">
          {principalName ? `${s.servicePrincipalId} (${principalName})` : s.servicePrincipalId}
        </span>
      ) : (
        ''
      ),
    },
    { label: 'Client id', value: mono(s.appId) },
    { label: 'Calling resource', value: mono(msi.associatedResourceId) },
    { label: 'Agent id', value: mono(msi.agentId) },
    { label: 'Audience', value: mono(s.resourceId) },
    { label: 'Latency', value: `${s.durationMs} ms` },
    {
      label: 'Answered by',
      value: s.source === 'agentCache' ? "The agent's token cache (uploaded later)" : 'The server',
    },
    { label: 'Correlation id', value: mono(s.correlationId) },
    { label: 'Record id', value: mono(s.id) },
  ];
}
