import type { User } from '@chatrt/contracts';

/**
 * `@username` where the name has the contract's username characters and length, and is word-bounded:
 * no name character (or `@`) right before the `@`, so `ann@example.com` mentions nobody, and none right
 * after the name, so a 40-character run does not mention its 32-character prefix.
 */
const MENTION = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{3,32})(?![A-Za-z0-9_.-])/g;

/** Lookup requests to auth carry at most this many names (FindUsersQuery maxItems). */
export const MAX_NAMES_PER_LOOKUP = 100;

/**
 * The key usernames are compared by, the same as the auth service's: ASCII letters lower-cased, nothing
 * else touched (matching Postgres `lower()` on the ASCII-only names the contract allows).
 */
export function usernameKey(username: string): string {
  return username.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * The names a text mentions, as written, each once (by key), in order of first appearance. A name
 * followed by sentence punctuation (`@ann.` or `@ann-`) is also tried without it, since `.` and `-` are
 * legal in usernames: `mentionedUserIds` prefers the full name when both exist.
 */
export function mentionCandidates(text: string): string[] {
  const names = new Map<string, string>();
  for (const match of text.matchAll(MENTION)) {
    const name = match[1] ?? '';
    for (const candidate of [name, trimTrailingPunctuation(name)]) {
      if (candidate.length >= 3 && !names.has(usernameKey(candidate))) names.set(usernameKey(candidate), candidate);
    }
  }
  return [...names.values()];
}

/** Splits names into lookups auth accepts. */
export function lookupBatches(names: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += MAX_NAMES_PER_LOOKUP) batches.push(names.slice(i, i + MAX_NAMES_PER_LOOKUP));
  return batches;
}

/**
 * The ids of the users a text mentions, given the users a lookup of `mentionCandidates(text)` found:
 * each `@name` resolves to the user named exactly so (case-insensitively), else to the user named
 * without its trailing punctuation, else to nobody. Sorted, each once.
 */
export function mentionedUserIds(text: string, found: readonly User[]): string[] {
  const byKey = new Map(found.map((user) => [usernameKey(user.username), user.id]));
  const ids = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = match[1] ?? '';
    const id = byKey.get(usernameKey(name)) ?? byKey.get(usernameKey(trimTrailingPunctuation(name)));
    if (id !== undefined) ids.add(id);
  }
  return [...ids].sort();
}

function trimTrailingPunctuation(name: string): string {
  return name.replace(/[.-]+$/, '');
}
