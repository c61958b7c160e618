import type { GatewayPresence } from '@chatrt/contracts';
import { PresenceTable } from '@chatrt/presence';

/**
 * Who is online in each room across all gateways, learned from their presence announcements. Pure: time
 * is passed in. A gateway not heard from within `expireAfterMs` (three heartbeats) no longer counts.
 */
export class PresenceBook {
  readonly #rooms = new Map<string, PresenceTable>();
  readonly #expireAfterMs: number;

  constructor(options: { expireAfterMs: number }) {
    this.#expireAfterMs = options.expireAfterMs;
  }

  /**
   * Records a gateway's whole set for a room. A `sync: true` announcement asks gateways to answer with
   * their sets; this book only listens, but the announcement still carries the sender's set.
   */
  apply(announcement: GatewayPresence, now: number): void {
    let table = this.#rooms.get(announcement.roomId);
    if (!table) {
      if (announcement.userIds.length === 0) return;
      table = new PresenceTable();
      this.#rooms.set(announcement.roomId, table);
    }
    table.applyRemote(announcement.gatewayId, announcement.userIds, now);
    if (table.online().length === 0) this.#rooms.delete(announcement.roomId);
  }

  /** Users online in the room now, on any gateway. */
  online(roomId: string, now: number): Set<string> {
    const table = this.#rooms.get(roomId);
    if (!table) return new Set();
    table.expire(now - this.#expireAfterMs);
    return new Set(table.online());
  }

  /** Forgets silent gateways everywhere and rooms nobody is in, so memory follows the live rooms. */
  sweep(now: number): void {
    for (const [roomId, table] of this.#rooms) {
      table.expire(now - this.#expireAfterMs);
      if (table.online().length === 0) this.#rooms.delete(roomId);
    }
  }

  /** Rooms with someone online. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Users online, counted once per room they are in (as last announced; silent gateways go at the sweep). */
  get onlineUsers(): number {
    let users = 0;
    for (const table of this.#rooms.values()) users += table.online().length;
    return users;
  }
}
