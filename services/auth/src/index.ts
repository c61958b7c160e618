/**
 * The auth service's package entry (users, login sessions and short-lived session tokens, served over
 * NATS): what other packages and tests start it with. `main.ts` runs it as a process; `auth.ts` wires it.
 */
export { startAuth, type RunningAuth } from './auth.ts';
export { loadAuthConfig, type AuthConfig } from './config.ts';
export { AUTH_QUEUE } from './adapters/nats-responders.ts';
export {
  SESSION_TOKEN_AUDIENCE,
  SESSION_TOKEN_ISSUER,
  SESSION_TOKEN_TTL_LIMITS,
  type SessionTokenClaims,
} from './domain/session-token.ts';
