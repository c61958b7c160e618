/** The auth service: users, login sessions and short-lived session tokens, served over NATS. */
export { startAuth, type RunningAuth } from './app.ts';
export { loadAuthConfig, type AuthConfig } from './config.ts';
export { AUTH_QUEUE } from './adapters/nats-responders.ts';
export {
  SESSION_TOKEN_AUDIENCE,
  SESSION_TOKEN_ISSUER,
  SESSION_TOKEN_TTL_LIMITS,
  type SessionTokenClaims,
} from './domain/session-token.ts';
