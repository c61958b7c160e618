/**
 * Who is online in one room across gateways: this gateway's own sockets (counted per user) plus the last
 * set each other gateway announced. Pure: time is passed in, so expiry is tested without clocks.
 */
export class PresenceTable {
  readonly #local = new Map<string, number>();
  readonly #remote = new Map<string, { userIds: string[]; seenAt: number }>();

  /** A local socket of `userId` joined; true when the user just came online on this gateway. */
  addLocal(userId: string): boolean {
    const count = (this.#local.get(userId) ?? 0) + 1;
    this.#local.set(userId, count);
    return count === 1;
  }

  /** A local socket of `userId` left; true when the user just went offline on this gateway. */
  removeLocal(userId: string): boolean {
    const count = (this.#local.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.#local.set(userId, count);
      return false;
    }
    return this.#local.delete(userId);
  }

  /** Users online through this gateway, sorted. */
  localUsers(): string[] {
    return [...this.#local.keys()].sort();
  }

  get hasLocalUsers(): boolean {
    return this.#local.size > 0;
  }

  /** Records another gateway's announced set; returns whether the room's online set changed. */
  applyRemote(gatewayId: string, userIds: string[], now: number): boolean {
    const before = this.online();
    if (userIds.length === 0) this.#remote.delete(gatewayId);
    else this.#remote.set(gatewayId, { userIds: [...userIds], seenAt: now });
    return !sameSet(before, this.online());
  }

  /** Forgets gateways not heard from since `olderThan`; returns whether the online set changed. */
  expire(olderThan: number): boolean {
    const before = this.online();
    for (const [gatewayId, entry] of this.#remote) if (entry.seenAt < olderThan) this.#remote.delete(gatewayId);
    return !sameSet(before, this.online());
  }

  /** Everyone online in the room on any gateway, sorted. */
  online(): string[] {
    const users = new Set(this.#local.keys());
    for (const { userIds } of this.#remote.values()) for (const id of userIds) users.add(id);
    return [...users].sort();
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
