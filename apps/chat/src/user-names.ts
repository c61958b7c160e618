import type { User } from '@chatrt/contracts';

const storageKey = 'chat.userNames';

/**
 * Usernames the page has learned (its own, and everyone it looked up by name), kept in localStorage.
 * The API has no lookup by id, so other senders show as a short id until their name is known.
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
