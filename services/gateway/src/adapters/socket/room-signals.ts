import { subjects, validate, type GatewayPresence, type Typing } from '@chatrt/contracts';
import { decodeJson, type Logger, type NatsConnection } from '@chatrt/service-kit';
import type { Subscription } from '@nats-io/transport-node';
import { PresenceTable } from '@chatrt/presence';

/** Where typing and presence changes go on this gateway (its local sockets). */
export interface SignalSink {
  typing(roomId: string, typing: Typing): void;
  presence(roomId: string, onlineUserIds: string[]): void;
}

type RoomEntry = { table: PresenceTable; subs: Subscription[] };

/**
 * Typing and presence across gateways over core NATS, with interest only in the rooms this gateway
 * serves. Each gateway announces its whole local set for a room (not deltas), on change, on every
 * heartbeat, and empty on shutdown; a gateway silent for three heartbeats is forgotten.
 */
export class RoomSignals {
  readonly #nc: NatsConnection;
  readonly #gatewayId: string;
  readonly #sink: SignalSink;
  readonly #log: Logger;
  readonly #heartbeatMs: number;
  readonly #rooms = new Map<string, RoomEntry>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: { nc: NatsConnection; gatewayId: string; sink: SignalSink; log: Logger; heartbeatMs: number }) {
    this.#nc = options.nc;
    this.#gatewayId = options.gatewayId;
    this.#sink = options.sink;
    this.#log = options.log;
    this.#heartbeatMs = options.heartbeatMs;
    this.#timer = setInterval(() => {
      this.#heartbeat();
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  /**
   * A local socket of `userId` joined `roomId`. Returns whether the room's online set changed (then the
   * sink already told the room's local sockets); otherwise the caller sends the joining socket a snapshot.
   */
  async join(roomId: string, userId: string): Promise<boolean> {
    let entry = this.#rooms.get(roomId);
    const opened = !entry;
    if (!entry) {
      entry = this.#open(roomId);
      this.#rooms.set(roomId, entry);
      await this.#nc.flush();
    }
    const cameOnline = entry.table.addLocal(userId);
    // Opening a room asks the other gateways serving it for their sets (`sync`); their answers follow.
    if (cameOnline || opened) this.#announce(roomId, entry.table, opened);
    if (cameOnline) this.#sink.presence(roomId, entry.table.online());
    return cameOnline;
  }

  /** A local socket of `userId` left `roomId` (or disconnected). */
  leave(roomId: string, userId: string): void {
    const entry = this.#rooms.get(roomId);
    if (!entry || !entry.table.removeLocal(userId)) return;
    this.#announce(roomId, entry.table, false);
    this.#sink.presence(roomId, entry.table.online());
    if (entry.table.hasLocalUsers) return;
    for (const sub of entry.subs) sub.unsubscribe();
    this.#rooms.delete(roomId);
  }

  /** Rooms this gateway serves, and its users online in them (counted once per room). */
  get size(): { rooms: number; localUsers: number } {
    let localUsers = 0;
    for (const entry of this.#rooms.values()) localUsers += entry.table.localUsers().length;
    return { rooms: this.#rooms.size, localUsers };
  }

  /** Everyone online in a room this gateway serves. */
  online(roomId: string): string[] {
    return this.#rooms.get(roomId)?.table.online() ?? [];
  }

  publishTyping(typing: Typing): void {
    this.#nc.publish(subjects.gatewayTyping(typing.roomId), JSON.stringify(typing));
  }

  /** Announces empty sets for every room so other gateways drop this one at once. */
  close(): void {
    clearInterval(this.#timer);
    for (const [roomId, entry] of this.#rooms) {
      const gone: GatewayPresence = { gatewayId: this.#gatewayId, roomId, userIds: [], sync: false };
      this.#nc.publish(subjects.gatewayPresence(roomId), JSON.stringify(gone));
      for (const sub of entry.subs) sub.unsubscribe();
    }
    this.#rooms.clear();
  }

  #open(roomId: string): RoomEntry {
    const table = new PresenceTable();
    const presence = this.#nc.subscribe(subjects.gatewayPresence(roomId), {
      callback: (err, msg) => {
        if (err) {
          this.#log.error({ err, roomId }, 'presence subscription failed');
          return;
        }
        const checked = validate('GatewayPresence', decodeJson(msg));
        if (!checked.ok) {
          this.#log.warn({ roomId, error: checked.message }, 'invalid presence announcement dropped');
          return;
        }
        const { gatewayId, userIds, sync } = checked.value;
        if (gatewayId === this.#gatewayId) return;
        if (sync) this.#announce(roomId, table, false);
        if (table.applyRemote(gatewayId, userIds, Date.now())) this.#sink.presence(roomId, table.online());
      },
    });
    const typing = this.#nc.subscribe(subjects.gatewayTyping(roomId), {
      callback: (err, msg) => {
        if (err) {
          this.#log.error({ err, roomId }, 'typing subscription failed');
          return;
        }
        const checked = validate('Typing', decodeJson(msg));
        if (checked.ok) this.#sink.typing(roomId, checked.value);
      },
    });
    return { table, subs: [presence, typing] };
  }

  #announce(roomId: string, table: PresenceTable, sync: boolean): void {
    const announcement: GatewayPresence = { gatewayId: this.#gatewayId, roomId, userIds: table.localUsers(), sync };
    this.#nc.publish(subjects.gatewayPresence(roomId), JSON.stringify(announcement));
  }

  #heartbeat(): void {
    const now = Date.now();
    for (const [roomId, entry] of this.#rooms) {
      this.#announce(roomId, entry.table, false);
      if (entry.table.expire(now - 3 * this.#heartbeatMs)) this.#sink.presence(roomId, entry.table.online());
    }
  }
}
