import type { FastifyInstance } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import { CodedError } from '@chatrt/service-kit';
import type { Backend } from '../backend.ts';
import type { LoginGuard } from '../login-guard.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { requireValid, unwrap } from './errors.ts';
import { sessionCookie } from './authenticate.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type RegisterCreated = Json<operations['register']['responses']['201']>;
type LoginOk = Json<operations['login']['responses']['200']>;
type SessionTokenOk = Json<operations['getSessionToken']['responses']['200']>;

/** `/api/auth/*`: translated one to one into auth service requests. */
export function registerAuthRoutes(
  app: FastifyInstance,
  backend: Backend,
  options: { secureCookies: boolean; metrics: GatewayMetrics; loginGuard: LoginGuard },
): void {
  const counted = <T extends { ok: boolean }>(kind: 'register' | 'login', reply: T): T => {
    options.metrics.authEvents.inc({ kind, result: reply.ok ? 'ok' : 'refused' });
    return reply;
  };

  app.post('/api/auth/register', async (req, reply) => {
    const body = requireValid('RegisterRequest', req.body);
    const { user } = unwrap(counted('register', await backend.request(subjects.authRegister, body)));
    return reply.status(201).send(user satisfies RegisterCreated);
  });

  app.post('/api/auth/login', async (req, reply) => {
    const body = requireValid('LoginRequest', req.body);
    const guard = options.loginGuard;
    const decision = await guard.check(req.ip, body.username);
    if (!decision.allowed) {
      options.metrics.authEvents.inc({ kind: 'login', result: 'throttled' });
      throw new CodedError('RATE_LIMITED', `too many failed logins; retry in ${decision.retryAfter} s`, { retryAfter: decision.retryAfter });
    }
    const answer = counted('login', await backend.request(subjects.authLogin, body));
    if (!answer.ok && answer.error.code === 'UNAUTHENTICATED') await guard.failed(req.ip, body.username);
    const { user, session } = unwrap(answer);
    await guard.succeeded(req.ip, body.username);
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

  app.get('/api/auth/session-token', async (req, reply) => {
    const sessionId = req.cookies[sessionCookie];
    if (!sessionId) throw new CodedError('UNAUTHENTICATED', 'log in first (no session cookie)');
    const { sessionToken } = unwrap(await backend.request(subjects.authIssueSessionToken, { sessionId }));
    return reply.status(200).send(sessionToken satisfies SessionTokenOk);
  });
}
