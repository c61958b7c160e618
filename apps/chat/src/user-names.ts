import type { User } from '@chatrt/contracts';

const storageKey = 'chat.userNames';

/**
 * Usernames the page has learned (its own, everyone it looked up by name, and senders and members it looked up
 * by id), kept in localStorage. An id shows as a short id until its name is known.
 */
export class UserNames {
  readonly #names: Map<string, string>;

  constructor() {
    this.#names = new Map(load());
  }

  remember(users: readonly User[]): void {
    for (const user of users) this.#names.set(user.id, user.username);
    try {
      localStorage.setItem(storageKey, JSON.stringify([...this.#names]));
    } catch {
      // Storage full or disabled: names are still known for this visit.
    }
  }

  /** The distinct ids among `userIds` whose name is not known yet. */
  unknown(userIds: readonly string[]): string[] {
    return [...new Set(userIds)].filter((id) => !this.#names.has(id));
  }

  /** The username, or `user 1a2b3c4d` when unknown. */
  nameOf = (userId: string): string => this.#names.get(userId) ?? `user ${userId.slice(0, 8)}`;
}

function load(): Array<[string, string]> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
    return Array.isArray(parsed) ? (parsed as Array<[string, string]>) : [];
  } catch {
    return [];
  }
}
