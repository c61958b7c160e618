import type { FastifyInstance } from 'fastify';
import { subjects, type AckFailure, type operations } from '@chatrt/contracts';
import { CodedError } from '@chatrt/service-kit';
import type { Backend } from '../../application/ports.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { requireValid, unwrap } from './errors.ts';
import { authenticate, sessionCookie } from './authenticate.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type RegisterCreated = Json<operations['register']['responses']['201']>;
type LoginOk = Json<operations['login']['responses']['200']>;
type SessionTokenOk = Json<operations['getSessionToken']['responses']['200']>;

/** `/api/auth/*`: translated one to one into auth service requests. */
export function registerAuthRoutes(
  app: FastifyInstance,
  backend: Backend,
  options: { secureCookies: boolean; metrics: GatewayMetrics; verifier: TokenVerifier },
): void {
  const counted = <T extends { ok: true } | AckFailure>(kind: 'register' | 'login', reply: T): T => {
    const result = reply.ok ? 'ok' : reply.error.code === 'RATE_LIMITED' ? 'throttled' : 'refused';
    options.metrics.authEvents.inc({ kind, result });
    return reply;
  };

  app.post('/api/auth/register', async (req, reply) => {
    const body = requireValid('RegisterRequest', req.body);
    const { user } = unwrap(counted('register', await backend.request(subjects.authRegister, body)));
    return reply.status(201).send(user satisfies RegisterCreated);
  });

  app.post('/api/auth/login', async (req, reply) => {
    const body = requireValid('LoginRequest', req.body);
    // The auth service throttles failed logins per client address (req.ip honours TRUST_PROXY).
    const answer = counted('login', await backend.request(subjects.authLogin, { ...body, clientAddress: req.ip }));
    const { user, session } = unwrap(answer);
    void reply.setCookie(sessionCookie, session.id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
      path: '/',
      expires: new Date(session.expiresAt),
    });
    return reply.status(200).send(user satisfies LoginOk);
  });

  app.post('/api/auth/logout', async (req, reply) => {
    const sessionId = req.cookies[sessionCookie];
    if (sessionId) unwrap(await backend.request(subjects.authLogout, { sessionId }));
    void reply.clearCookie(sessionCookie, { path: '/' });
    return reply.status(204).send();
  });

  app.post('/api/auth/logout-all', async (req, reply) => {
    const caller = await authenticate(req, backend, options.verifier);
    unwrap(await backend.request(subjects.authLogoutAll, { userId: caller.userId }));
    void reply.clearCookie(sessionCookie, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/auth/session-token', async (req, reply) => {
    const sessionId = req.cookies[sessionCookie];
    if (!sessionId) throw new CodedError('UNAUTHENTICATED', 'log in first (no session cookie)');
    const { sessionToken } = unwrap(await backend.request(subjects.authIssueSessionToken, { sessionId }));
    return reply.status(200).send(sessionToken satisfies SessionTokenOk);
  });
}
