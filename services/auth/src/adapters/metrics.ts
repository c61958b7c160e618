import { Counter, type Registry } from 'prom-client';
import type { AuthMetrics } from '../application/ports.ts';

/** Prometheus counters for registrations, logins and session tokens, on the service's registry. */
export function createAuthMetrics(registry: Registry): AuthMetrics {
  const registrations = new Counter({
    name: 'auth_registrations_total',
    help: 'Registration attempts by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const logins = new Counter({
    name: 'auth_logins_total',
    help: 'Login attempts by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'auth_session_tokens_issued_total',
    help: 'Session tokens (JWTs) issued.',
    registers: [registry],
  });
  return {
    registered: (outcome) => {
      registrations.inc({ outcome });
    },
    loggedIn: (outcome) => {
      logins.inc({ outcome });
    },
    tokenIssued: () => {
      tokens.inc();
    },
  };
}
