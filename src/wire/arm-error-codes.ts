/**
 * Every error code openmi's Resource Manager surface sends in `{error:{code}}`, with its HTTP
 * status. Codes are exact: clients and the SDKs switch on them (Azure's list:
 * https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors).
 *
 * Domain code names these codes too (a `DomainError`'s `code`); its status then comes from the
 * error's kind (surfaces/arm/arm-errors.ts), and this table records the statuses those kinds give.
 */
export const ARM_ERROR_STATUS = {
  // The request itself: routing, api-version, body, paging.
  MissingApiVersionParameter: 400,
  InvalidApiVersionParameter: 400,
  NoRegisteredProviderFound: 400,
  InvalidResourceNamespace: 404,
  InvalidResourceType: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  InvalidRequestContent: 400,
  RequestEntityTooLarge: 413,
  BadRequest: 400,
  InvalidParameter: 400,
  InvalidFilterParameter: 400,
  InvalidFilter: 400,
  InvalidFilterInQueryString: 400,
  InvalidExpandParameter: 400,
  InvalidOrderBy: 400,
  InvalidTop: 400,
  InvalidSkip: 400,
  InvalidSkipToken: 400,
  PreconditionFailed: 412,
  Conflict: 409,
  ServiceUnavailable: 503,
  InternalServerError: 500,

  // Authentication and authorization.
  AuthenticationFailed: 401,
  InvalidAuthenticationToken: 401,
  ExpiredAuthenticationToken: 401,
  AuthorizationFailed: 403,
  LinkedAuthorizationFailed: 403,

  // Subscriptions, resource groups and resources.
  SubscriptionNotFound: 404,
  ResourceGroupNotFound: 404,
  ResourceNotFound: 404,
  InvalidResourceGroupName: 400,
  InvalidResourceGroupLocation: 400,
  LocationNotAvailableForResourceGroup: 400,
  LocationRequired: 400,
  LocationNotAvailableForResourceType: 400,
  InvalidResourceLocation: 400,
  InvalidResourceName: 400,
  InvalidTagNameCharacters: 400,
  InvalidTagNameLength: 400,
  InvalidTagValueLength: 400,
  InvalidScope: 400,
  QuotaExceeded: 409,

  // Managed identities on resources, and federated credentials.
  InvalidIdentityType: 400,
  InvalidIdentityValues: 400,
  FailedIdentityOperation: 400,
  FederatedCredentialExists: 409,
  FederatedCredentialIssuerSubjectExists: 409,

  // Role assignments and role definitions.
  InvalidRoleAssignmentName: 400,
  RoleAssignmentNotFound: 404,
  RoleAssignmentExists: 409,
  RoleAssignmentUpdateNotPermitted: 400,
  PrincipalNotFound: 400,
  UnmatchedPrincipalType: 400,
  InvalidPrincipalType: 400,
  InvalidConditionVersion: 400,
  InvalidRoleDefinitionId: 400,
  // 404 when the role definition itself is read, updated or deleted; 400 when a role
  // assignment's body names a role that does not exist (the body is wrong, not the URL), as Azure does.
  RoleDefinitionDoesNotExist: [404, 400],
  RoleDefinitionWithSameNameExists: 409,
  RoleDefinitionHasAssignments: 400,
  CannotModifyBuiltInRole: 400,
  InvalidActionOrNotAction: 400,
  InvalidAssignableScopes: 400,
  LastRootOwner: 400,
  // Applying an access review (docs/audit.md): no evidence, a call it would break, a plan gone stale.
  AccessReviewNoEvidence: 400,
  AccessReviewWouldDeny: 409,
  AccessReviewPlanStale: 409,

  // Storage accounts and key vaults (their management plane).
  AccountNameInvalid: 400,
  InvalidValuesForRequestParameters: 400,
  VaultNameNotValid: 400,
  VaultAlreadyExists: 409,
} as const;

export type ArmErrorCode = keyof typeof ARM_ERROR_STATUS;
