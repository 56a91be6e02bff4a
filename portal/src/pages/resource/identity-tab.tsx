import type { ComputeResourceWire, ResourceKey } from '../../api/resources.js';
import { SystemAssignedSection } from './system-assigned-section.js';
import { UserAssignedSection } from './user-assigned-section.js';

export interface IdentitySectionProps {
  resource: ComputeResourceWire;
  resourceKey: ResourceKey;
  /** Called after a successful change with the words for the notice; the page reloads the resource. */
  onChanged: (message: string) => void;
}

/** The resource's Identity blade: system-assigned on/off, and the attached user-assigned identities. */
export function IdentityTab(props: IdentitySectionProps) {
  return (
    <>
      <SystemAssignedSection {...props} />
      <UserAssignedSection {...props} />
    </>
  );
}
