/** Whether the device is online, and a way to hear about changes (browser `online`/`offline` events). */
export interface NetworkMonitor {
  online(): boolean;
  /** Calls `listener` whenever the online state changes; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/**
 * The browser's view (navigator.onLine and the window's `online`/`offline` events). Outside a browser
 * (Node) the device counts as always online.
 */
export function browserNetwork(): NetworkMonitor {
  const target = typeof window !== 'undefined' && typeof window.addEventListener === 'function' ? window : undefined;
  const online = () =>
    typeof navigator !== 'undefined' && typeof navigator.onLine === 'boolean' ? navigator.onLine : true;
  return {
    online,
    subscribe(listener) {
      if (!target) return () => {};
      const onOnline = () => {
        listener(true);
      };
      const onOffline = () => {
        listener(false);
      };
      target.addEventListener('online', onOnline);
      target.addEventListener('offline', onOffline);
      return () => {
        target.removeEventListener('online', onOnline);
        target.removeEventListener('offline', onOffline);
      };
    },
  };
}

/** A network state set by hand: for tests, and for Node programs that learn connectivity their own way. */
export class ManualNetwork implements NetworkMonitor {
  #online: boolean;
  readonly #listeners = new Set<(online: boolean) => void>();

  constructor(online = true) {
    this.#online = online;
  }

  online = (): boolean => this.#online;

  subscribe = (listener: (online: boolean) => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  set(online: boolean): void {
    if (online === this.#online) return;
    this.#online = online;
    for (const listener of [...this.#listeners]) listener(online);
  }
}
