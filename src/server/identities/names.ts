import { invalid } from '../../kernel/errors.js';

/** 3–128: letters, digits, `-`, `_`, starting with a letter or digit (docs/wire/arm.md, names). */
const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;
/** 3–120: letters, digits, `-`, `_`, starting with a letter or digit (docs/wire/arm.md, names). */
const FIC_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

export function checkIdentityName(name: string): void {
  if (!IDENTITY_NAME.test(name)) {
    throw invalid(
      `The user-assigned identity name '${name}' is invalid. It must be 3-128 characters of letters, digits, hyphens and underscores, starting with a letter or digit.`,
      { code: 'InvalidResourceName', target: 'resourceName' },
    );
  }
}

export function checkFederatedCredentialName(name: string): void {
  if (!FIC_NAME.test(name)) {
    throw invalid(
      `The federated identity credential name '${name}' is invalid. It must be 3-120 characters of letters, digits, hyphens and underscores, starting with a letter or digit.`,
      { code: 'InvalidResourceName', target: 'federatedIdentityCredentialResourceName' },
    );
  }
}
