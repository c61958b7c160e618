/** A fresh clientMessageId (UUID v4), also where crypto.randomUUID is missing (insecure origins). */
export function newClientMessageId(): string {
  // Typed as possibly missing: old runtimes have no crypto, and insecure origins have no randomUUID.
  const c = globalThis.crypto as Partial<Pick<Crypto, 'randomUUID' | 'getRandomValues'>> | undefined;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The `sub` claim (user id) of a session token, read without verification: only used to keep one
 * user's unsent messages from being sent under another user's session in a shared browser.
 */
export function tokenSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const sub: unknown = (JSON.parse(json) as Record<string, unknown>)['sub'];
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
