/**
 * The notify service's package entry: what other packages and tests start it with. `main.ts` runs it as
 * a process; `notify.ts` wires it.
 */
export { startNotify, type Notify } from './notify.ts';
export { loadNotifyConfig, type NotifyConfig } from './config.ts';
export { NOTIFY_QUEUE } from './adapters/responders.ts';
