import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import type { PasswordHasher } from '../application/ports.ts';

/**
 * OWASP's first argon2id setting (19 MiB, 2 passes, 1 lane), also the library's defaults; spelled out
 * so a library upgrade cannot silently weaken new hashes. The library's default algorithm is argon2id
 * (its `Algorithm` is an ambient const enum, which isolated modules cannot reference); the startup
 * check below makes sure of it.
 */
const PARAMS: Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

/** argon2id hashing in PHC string form; verification of unknown users runs against a dummy hash. */
export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummyHash = await hash(randomBytes(32).toString('base64url'), PARAMS);
  if (!dummyHash.startsWith('$argon2id$')) {
    throw new Error(`password hashing is not argon2id (got '${dummyHash.split('$')[1] ?? '?'}')`);
  }
  return {
    hash: (password) => hash(password, PARAMS),
    verify: (passwordHash, password) => verify(passwordHash, password),
    async verifyDummy(password) {
      await verify(dummyHash, password);
    },
  };
}
