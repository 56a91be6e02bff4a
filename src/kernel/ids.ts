import { randomBytes, randomUUID } from 'node:crypto';

/** Injected where identifiers and secrets are generated, so tests can make them predictable. */
export interface Random {
  uuid(): string;
  bytes(n: number): Buffer;
}

export const systemRandom: Random = {
  uuid: () => randomUUID(),
  bytes: (n) => randomBytes(n),
};
