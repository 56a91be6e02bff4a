import { createContext, useContext } from 'react';

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  /** The signed-in principal's object id. */
  principalId: string;
}

export const SubscriptionContext = createContext<SubscriptionInfo | null>(null);

/** The subscription the portal is working in (the first one the signed-in principal can see). */
export function useSubscription(): SubscriptionInfo {
  const s = useContext(SubscriptionContext);
  if (!s) throw new Error('useSubscription outside the signed-in shell');
  return s;
}
