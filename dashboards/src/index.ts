import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { auth } from './auth.ts';
import { chat } from './chat.ts';
import { gateway } from './gateway.ts';
import { materioSocket } from './materio-socket.ts';
import { notify } from './notify.ts';

/** Every dashboard, written to `dashboards/<uid>.json` by `npm run dashboards`. */
export const dashboards: readonly Dashboard[] = [materioSocket, gateway, auth, chat, notify];

/** The JSON file of a dashboard, as Grafana's file provisioning reads it. */
export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
