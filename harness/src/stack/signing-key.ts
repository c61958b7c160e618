import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileExists } from './file-exists.ts';

/**
 * The path of an Ed25519 private key (PKCS8 PEM) for the auth service in `dataDir`, generated on the
 * first start only: reusing it keeps tokens issued before a restart valid.
 */
export async function ensureSigningKeyFile(dataDir: string): Promise<string> {
  const path = join(dataDir, 'auth-signing-key.pem');
  if (await fileExists(path)) return path;
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  // 'wx' never overwrites a key another launcher wrote meanwhile; 0600 because it signs sessions.
  await writeFile(path, pem, { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  });
  return path;
}
