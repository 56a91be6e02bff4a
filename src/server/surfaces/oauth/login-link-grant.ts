import { PORTAL_CLIENT_ID, type LoginLinkService } from '../../tokens/login-links.js';
import type { PrincipalRecord } from '../../../store/records.js';
import { OAuthError } from './oauth-errors.js';
import type { TokenForm } from './token-form.js';

/** What the login-link grant needs: only redemption. */
export type LoginLinkRedeemer = Pick<LoginLinkService, 'redeem'>;

/**
 * openmi's login-link grant (`urn:openmi:params:oauth:grant-type:login-link`): the portal's
 * browser code, a public client, exchanges the one-time code from `openmi portal` for a token of
 * the principal that made the link. Returns that principal; an unusable code is invalid_grant.
 */
export async function redeemLoginLink(
  links: LoginLinkRedeemer,
  tenantId: string,
  form: TokenForm,
): Promise<PrincipalRecord> {
  if (form.clientId !== PORTAL_CLIENT_ID) {
    throw new OAuthError(
      'invalid_client',
      700016,
      `The login-link grant is only for the openmi portal: send client_id '${PORTAL_CLIENT_ID}', not '${form.clientId.slice(0, 80)}'.`,
      400,
    );
  }
  if (form.clientSecret !== undefined || form.clientAssertion !== undefined || form.clientAssertionType !== undefined) {
    throw new OAuthError(
      'invalid_request',
      900144,
      'The openmi portal is a public client: send no client_secret or client_assertion with the login-link grant.',
      400,
    );
  }
  if ((form.code ?? '').trim() === '') {
    throw new OAuthError(
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'code' (the code from the login link 'openmi portal' printed).",
      400,
    );
  }
  return links.redeem(tenantId, form.code!);
}
