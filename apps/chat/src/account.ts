import type { User, components } from '@chatrt/contracts';

type ErrorResponse = components['schemas']['ErrorResponse'];

/** A refused account call, with the contract's message (shown to the user as is). */
export class AccountError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'AccountError';
    this.status = status;
  }
}

/**
 * The REST calls the chat client does not make: register, log in (sets the session cookie) and looking
 * users up by name (to add them to rooms).
 */
export class AccountApi {
  readonly #apiUrl: string;

  constructor(apiUrl: string) {
    this.#apiUrl = apiUrl;
  }

  register(username: string, password: string): Promise<User> {
    return this.#call('POST', '/auth/register', { username, password });
  }

  login(username: string, password: string): Promise<User> {
    return this.#call('POST', '/auth/login', { username, password });
  }

  /** Ends the session and clears its cookie. */
  async logout(): Promise<void> {
    await this.#call<undefined>('POST', '/auth/logout');
  }

  /** The users with these names (case-insensitive); unknown names are left out. */
  async findUsers(usernames: readonly string[]): Promise<User[]> {
    if (usernames.length === 0) return [];
    const query = new URLSearchParams({ usernames: usernames.join(',') });
    return (await this.#call<{ users: User[] }>('GET', `/users?${query.toString()}`)).users;
  }

  /** The users with these ids (at most 100); unknown ids are left out. */
  async findUsersById(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const query = new URLSearchParams({ ids: ids.slice(0, 100).join(',') });
    return (await this.#call<{ users: User[] }>('GET', `/users?${query.toString()}`)).users;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.#apiUrl}${path}`, {
        method,
        credentials: 'include',
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new AccountError(0, 'The server cannot be reached. Check your connection and try again.');
    }
    const parsed = (await res.json().catch(() => undefined)) as unknown;
    if (res.ok) return parsed as T;
    const message = (parsed as Partial<ErrorResponse> | undefined)?.error?.message;
    throw new AccountError(res.status, message ?? `The server answered ${res.status}.`);
  }
}
