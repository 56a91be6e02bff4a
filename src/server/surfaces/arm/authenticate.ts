import type { RequestContext } from '../../../kernel/http/context.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import { JwtVerifyError } from '../../tokens/jwt/verify.js';
import {
  RevocationCheckingVerifier,
  type BearerVerifier,
  type RevocationLookup,
} from '../../tokens/revocation-check.js';
import { ArmError } from './arm-errors.js';
import { quotedHeaderText } from '../../../kernel/http/header-text.js';

/**
 * Audiences Resource Manager accepts: this server's own ARM URLs, public and the node's own (the SDKs
 * derive the scope from `endpoint`), and Azure's two ARM resource ids (docs/wire/arm.md#token-audiences). Compared without trailing slashes:
 * the Azure CLI asks for `https://management.core.windows.net//.default`. Graph's audience is
 * accepted too, for the read-only directory slice served on the same host.
 */
export function armAudiences(baseUrls: readonly string[]): string[] {
  const bases = [
    ...baseUrls,
    'https://management.azure.com',
    'https://management.core.windows.net',
    'https://graph.microsoft.com',
  ];
  return bases.flatMap((b) => [b, `${b}/`]);
}

/**
 * Resource Manager's (and Graph's) bearer authentication. Revoked tokens are refused by the same
 * rule the data planes and the gate apply (tokens/revocation-check.ts), so `revocations` is
 * required: a control plane that skipped it would keep honouring a revoked or deleted identity.
 */
export class ArmAuthenticator {
  private readonly verifier: BearerVerifier;

  constructor(
    verifier: BearerVerifier,
    revocations: RevocationLookup,
    private readonly store: Store,
    private readonly audiences: readonly string[],
    private readonly authorizationUri: string,
  ) {
    this.verifier = new RevocationCheckingVerifier(verifier, revocations);
  }

  /** The description echoes the token's own header (kid, alg): bounded and ASCII, or writing the header throws. */
  private fail(
    code: 'AuthenticationFailed' | 'InvalidAuthenticationToken' | 'ExpiredAuthenticationToken',
    message: string,
  ): ArmError {
    const desc = quotedHeaderText(message, 400);
    return new ArmError(code, message, undefined, {
      'www-authenticate': `Bearer authorization_uri="${this.authorizationUri}", error="invalid_token", error_description="${desc}"`,
    });
  }

  /** Returns the calling principal or throws a 401 ArmError that says what is wrong. */
  async authenticate(ctx: RequestContext): Promise<PrincipalRecord> {
    const h = ctx.req.headers.authorization;
    if (!h)
      throw this.fail(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing. Send 'Authorization: Bearer <token>' with a token from this server's token endpoint.",
      );
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m)
      throw this.fail(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is not in the form 'Bearer <token>'.",
      );
    let oid: unknown;
    try {
      oid = (await this.verifier.verify(m[1]!, this.audiences)).claims['oid'];
    } catch (e) {
      if (!(e instanceof JwtVerifyError)) throw e;
      if (e.code === 'expired')
        throw this.fail(
          'ExpiredAuthenticationToken',
          `The access token has expired. Get a new token and try again. (${e.message})`,
        );
      throw this.fail('InvalidAuthenticationToken', `The access token is invalid: ${e.message}`);
    }
    const principal = typeof oid === 'string' ? await this.store.principals.getByObjectId(oid) : undefined;
    if (!principal)
      throw this.fail(
        'InvalidAuthenticationToken',
        'The access token names a principal (oid) that no longer exists in the directory.',
      );
    return principal;
  }
}
