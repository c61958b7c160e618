import { dashboard, handlerPanels, processPanels, query } from './panels.ts';

/** The auth service: its handlers, registrations, logins and session tokens. */
export const auth = dashboard({
  uid: 'auth-service',
  title: 'Auth service',
  tags: ['auth'],
  panels: [
    ...handlerPanels('auth'),
    {
      title: 'Logins and registrations/s by outcome',
      unit: 'ops',
      queries: [
        query('sum by (outcome) (rate(auth_logins_total[1m]))', 'login {{outcome}}'),
        query('sum by (outcome) (rate(auth_registrations_total[1m]))', 'register {{outcome}}'),
      ],
    },
    {
      title: 'Session tokens issued/s',
      unit: 'ops',
      queries: [query('sum(rate(auth_session_tokens_issued_total[1m]))', 'tokens')],
    },
    ...processPanels('auth'),
  ],
});
