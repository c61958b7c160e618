/**
 * The key usernames are compared by: ASCII letters lower-cased, nothing else touched. It matches
 * Postgres `lower()` on the ASCII-only usernames the contract allows, and unlike `toLowerCase()` it
 * cannot fold a non-ASCII login name (e.g. the Kelvin sign) onto an ASCII one.
 */
export function usernameKey(username: string): string {
  return username.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
