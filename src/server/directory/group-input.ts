import { invalid } from '../../kernel/errors.js';

/** What a caller may send to create or update a group (Microsoft Graph's `group` resource). */
export interface GroupInput {
  displayName?: unknown;
  mailNickname?: unknown;
  description?: unknown;
  securityEnabled?: unknown;
  mailEnabled?: unknown;
  groupTypes?: unknown;
}

export interface CheckedGroupInput {
  displayName: string;
  mailNickname: string;
  description: string | null;
}

const bad = (message: string, target: string) => invalid(message, { target });

// Graph's limits: displayName 256 characters, mailNickname 64 ASCII characters without
// @ () \ [] " ; : <> , or space (https://learn.microsoft.com/graph/api/resources/group#properties).
const MAX_DISPLAY_NAME = 256;
const MAX_DESCRIPTION = 1024;
const MAIL_NICKNAME = /^[!#-'*+\-./0-9=?A-Z^_`a-z{|}~]{1,64}$/;

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max)
    throw bad(`'${field}' must be a non-empty string of at most ${max} characters.`, field);
  return v;
}

function nickname(v: unknown): string {
  if (typeof v !== 'string' || !MAIL_NICKNAME.test(v))
    throw bad(
      `'mailNickname' must be 1 to 64 ASCII characters without spaces or any of @ ( ) \\ [ ] " ; : < > , (got ${JSON.stringify(v)}).`,
      'mailNickname',
    );
  return v;
}

/**
 * openmi's directory has security groups only: no mail, no Microsoft 365 ("Unified") groups,
 * no dynamic membership. A body asking for anything else is refused rather than half-honoured.
 */
function requireSecurityGroup(input: GroupInput, creating: boolean): void {
  if (creating ? input.securityEnabled !== true : input.securityEnabled === false)
    throw bad("openmi serves security groups only: send 'securityEnabled': true.", 'securityEnabled');
  if (input.mailEnabled !== undefined && input.mailEnabled !== false)
    throw bad("openmi serves security groups only, without mail: send 'mailEnabled': false.", 'mailEnabled');
  const types = input.groupTypes;
  if (types !== undefined && !(Array.isArray(types) && types.length === 0))
    throw bad(
      "openmi serves security groups only: 'groupTypes' must be empty (no 'Unified' or 'DynamicMembership').",
      'groupTypes',
    );
}

function description(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  return text(v, 'description', MAX_DESCRIPTION);
}

/** Create: displayName, mailNickname and securityEnabled: true are required, as in Graph. */
export function checkGroupCreate(input: GroupInput): CheckedGroupInput {
  requireSecurityGroup(input, true);
  return {
    displayName: text(input.displayName, 'displayName', MAX_DISPLAY_NAME),
    mailNickname: nickname(input.mailNickname),
    description: description(input.description),
  };
}

/** Update (PATCH): only the properties sent change. */
export function checkGroupUpdate(input: GroupInput, current: CheckedGroupInput): CheckedGroupInput {
  requireSecurityGroup(input, false);
  return {
    displayName:
      input.displayName === undefined ? current.displayName : text(input.displayName, 'displayName', MAX_DISPLAY_NAME),
    mailNickname: input.mailNickname === undefined ? current.mailNickname : nickname(input.mailNickname),
    description: input.description === undefined ? current.description : description(input.description),
  };
}
