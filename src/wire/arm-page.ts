/**
 * One page of an ARM collection. `nextLink` is absolute and present while more pages follow;
 * clients call it as given (https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/resource-api-reference.md).
 */
export interface ArmPage<T> {
  value: T[];
  nextLink?: string;
}
