/** Leeway for clocks of the auth service and the gateways drifting apart, in seconds. */
const clockSkewSeconds = 60;

/**
 * Until when a session revoked at `now` must stay revoked: its last token was issued at the latest
 * now (a token issued while the logout commits) and lives at most `tokenTtlSeconds`.
 */
export function revokedUntil(now: Date, tokenTtlSeconds: number): Date {
  return new Date(now.getTime() + (tokenTtlSeconds + clockSkewSeconds) * 1000);
}
