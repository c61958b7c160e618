import { createHash, randomBytes } from 'node:crypto';
import type { SessionIds } from '../application/ports.ts';

/** 256-bit random session ids (base64url); only their SHA-256 is stored. */
export const sessionIds: SessionIds = {
  create: () => randomBytes(32).toString('base64url'),
  hash: (sessionId) => createHash('sha256').update(sessionId, 'utf8').digest(),
};
