/** When a session created at `now` stops being valid. */
export function sessionExpiresAt(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}

/** A session is live strictly before its expiry instant. */
export function isSessionLive(expiresAt: Date, now: Date): boolean {
  return now.getTime() < expiresAt.getTime();
}
