import { LOGIN_LINK_OPERATION, LOGIN_LINKS_PATH, type LoginLinkService } from '../../../tokens/login-links.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { actorOf, type ArmRoute } from '../router.js';

export { LOGIN_LINK_OPERATION, LOGIN_LINKS_PATH };
const LOGIN_LINKS_TYPE = 'OpenMI.Portal/loginLinks';

export interface LoginLinkRouteDeps {
  links: LoginLinkService;
  baseUrl: string;
}

/** The browser reads tenant and code from the fragment, which never reaches a server or its access log. */
export const portalSignInUrl = (baseUrl: string, tenantId: string, code: string): string =>
  `${baseUrl}/portal/#/sign-in?tenant=${encodeURIComponent(tenantId)}&code=${encodeURIComponent(code)}`;

/** `POST /providers/OpenMI.Portal/loginLinks`: a one-time link that signs the caller in to the web portal. */
export function loginLinkRoutes(d: LoginLinkRouteDeps): ArmRoute[] {
  return [
    {
      pattern: LOGIN_LINKS_PATH,
      resourceType: LOGIN_LINKS_TYPE,
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        POST: {
          action: LOGIN_LINK_OPERATION,
          // Any signed-in principal may ask: the link signs in only as the caller itself, with the
          // caller's own role assignments, so it grants nothing the caller's token does not already.
          everyone: true,
          handle: async (c) => {
            if (!c.caller)
              throw new ArmError(
                'AuthenticationFailed',
                'A login link is made for the signed-in caller; send a bearer token.',
              );
            const link = await d.links.create(actorOf(c), c.caller);
            const expiresOn = new Date(link.expiresAt).toISOString();
            return {
              status: 200,
              body: {
                url: portalSignInUrl(d.baseUrl, c.caller.tenantId, link.code),
                expiresOn,
                principalId: c.caller.objectId,
              },
            };
          },
        },
      },
    },
  ];
}
