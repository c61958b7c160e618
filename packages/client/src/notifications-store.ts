import type { Notification } from '@chatrt/contracts';
import type { ReadableStore } from './store.ts';

/** The notifications as the UI shows them. */
export interface NotificationsView {
  /** Newest change first. */
  notifications: readonly Notification[];
  unreadCount: number;
}

/**
 * The user's notifications by id, where the version with the highest cursor wins. `cursor` is the resume
 * point of the next `subscribe {afterCursor}`; only the gap-free socket stream moves it (a REST page may
 * skip older changes).
 */
export class NotificationsStore implements ReadableStore<NotificationsView> {
  readonly #byId = new Map<string, Notification>();
  #cursor: number | undefined;
  #view: NotificationsView = { notifications: [], unreadCount: 0 };
  readonly #listeners = new Set<() => void>();

  /** Where the next subscribe resumes. */
  get cursor(): number | undefined {
    return this.#cursor;
  }

  /** Moves the resume point forward (e.g. to a subscribe ack's cursor); never back. */
  advanceCursor(cursor: number): void {
    if (this.#cursor === undefined || cursor > this.#cursor) this.#cursor = cursor;
  }

  /**
   * Applies notifications; `fromStream` (the socket) also moves the cursor. Returns the ones that changed something.
   */
  apply(notifications: readonly Notification[], fromStream: boolean): Notification[] {
    const applied: Notification[] = [];
    for (const n of notifications) {
      if (fromStream) this.advanceCursor(n.cursor);
      const current = this.#byId.get(n.id);
      if (current && current.cursor >= n.cursor) continue;
      this.#byId.set(n.id, n);
      applied.push(n);
    }
    if (applied.length > 0) this.#rebuild();
    return applied;
  }

  get = (): NotificationsView => this.#view;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #rebuild(): void {
    const notifications = [...this.#byId.values()].sort((a, b) => b.cursor - a.cursor);
    this.#view = { notifications, unreadCount: notifications.filter((n) => !n.read).length };
    for (const listener of [...this.#listeners]) listener();
  }
}
