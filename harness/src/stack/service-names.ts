/** Every service of the stack, in start order: each one only needs those before it to be up. */
export const serviceNames = ['auth', 'chat', 'notify', 'gateway'] as const;

/** A service of the stack; its code lives in `services/<name>/src/main.ts`. */
export type ServiceName = (typeof serviceNames)[number];

/** The services behind the gateway; each serves `/health` and `/metrics` on its own ops port. */
export const backendServiceNames = ['auth', 'chat', 'notify'] as const;

/** A service behind the gateway. */
export type BackendServiceName = (typeof backendServiceNames)[number];

/** The default ops port of each backend service, as the services themselves default it. */
export const defaultOpsPorts: Record<BackendServiceName, number> = { auth: 9101, chat: 9102, notify: 9103 };

/** `selected` in start order, whatever order the caller listed them in. */
export function inStartOrder(selected: readonly ServiceName[]): ServiceName[] {
  return serviceNames.filter((name) => selected.includes(name));
}
