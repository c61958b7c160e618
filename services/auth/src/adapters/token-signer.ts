import { createPublicKey, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, type JWK } from 'jose';
import type { TokenSigner } from '../application/ports.ts';

const ALG = 'EdDSA';

/**
 * Signs session tokens with an Ed25519 key. The kid is the key's RFC 7638 thumbprint, so it changes
 * exactly when the key does and verifiers can tell keys apart during a rotation.
 */
export async function createTokenSigner(privateKey: KeyObject): Promise<TokenSigner & { kid: string }> {
  const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const base: JWK = { kty, crv, x };
  const kid = await calculateJwkThumbprint(base, 'sha256');
  const publicJwk: JWK = { ...base, kid, alg: ALG, use: 'sig' };
  return {
    kid,
    sign: (claims) => new SignJWT({ ...claims }).setProtectedHeader({ alg: ALG, typ: 'JWT', kid }).sign(privateKey),
    verificationKeys: () => [{ ...publicJwk }],
  };
}
