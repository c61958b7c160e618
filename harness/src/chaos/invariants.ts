import type { Message } from '@chatrt/contracts';

/** What a client learnt about one of its sends (after any retries with the same clientMessageId). */
export type SendOutcome =
  | { kind: 'ok'; seq: number; messageId: string }
  /** A definite refusal (e.g. VALIDATION_FAILED, RATE_LIMITED with its retryAfter): the message must not be stored. */
  | { kind: 'rejected'; code: string; retryAfter?: number }
  /** No answer before the client gave up (timeouts, UNAVAILABLE to the end): stored at most once. */
  | { kind: 'unknown'; reason: string };

export interface SendRecord {
  roomId: string;
  clientMessageId: string;
  outcome: SendOutcome;
  /** When the outcome was known (epoch millis). */
  settledAt: number;
}

/** The messages of a room as one client received them, in arrival order, after `afterSeq` (where it first joined). */
export interface RoomView {
  roomId: string;
  afterSeq: number;
  received: ReadonlyArray<Pick<Message, 'id' | 'seq'>>;
}

export interface ClientRecord {
  name: string;
  /** The user the client sends as (history's `senderId`). */
  senderId: string;
  sends: readonly SendRecord[];
  views: readonly RoomView[];
}

export type HistoryMessage = Pick<Message, 'id' | 'roomId' | 'seq' | 'senderId' | 'clientMessageId'>;

/** The run's numbers, as the chaos summary reports them. */
export interface ChaosCounts {
  clients: number;
  sent: number;
  acked: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

export interface InvariantReport {
  counts: ChaosCounts;
  /** One line per broken promise; empty when every invariant holds. */
  violations: string[];
}

/**
 * Checks the promises the system makes whatever fails, against the rooms' full history (from REST):
 * every send acked ok is in history exactly once, at the acked seq; nothing refused is stored; nothing is
 * stored twice; every client's view of a room after its join point is the room's history, gap-free, in seq
 * order, without duplicates.
 */
export function checkInvariants(
  clients: readonly ClientRecord[],
  history: ReadonlyMap<string, readonly HistoryMessage[]>,
): InvariantReport {
  const violations: string[] = [];
  const counts: ChaosCounts = {
    clients: clients.length,
    sent: 0,
    acked: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
  };

  const stored = new Map<string, HistoryMessage[]>();
  for (const [roomId, messages] of history) {
    const seen = new Set<number>();
    for (const message of messages) {
      if (seen.has(message.seq)) {
        counts.duplicated++;
        violations.push(`room ${roomId}: seq ${message.seq} is in history twice`);
      }
      seen.add(message.seq);
      const key = storedKey(roomId, message.senderId, message.clientMessageId);
      stored.set(key, [...(stored.get(key) ?? []), message]);
    }
  }

  for (const client of clients) {
    for (const send of client.sends) {
      counts.sent++;
      const copies = stored.get(storedKey(send.roomId, client.senderId, send.clientMessageId)) ?? [];
      if (copies.length > 1) {
        counts.duplicated += copies.length - 1;
        violations.push(`${client.name}: ${send.clientMessageId} is stored ${copies.length} times`);
      }
      const { outcome } = send;
      if (outcome.kind === 'ok') {
        counts.acked++;
        if (copies.length === 0) {
          counts.lost++;
          violations.push(
            `${client.name}: ${send.clientMessageId} was acked ok (seq ${outcome.seq}) but is not in history`,
          );
        } else if (!copies.some((copy) => copy.seq === outcome.seq && copy.id === outcome.messageId)) {
          const storedSeqs = copies.map((copy) => copy.seq).join(', ');
          violations.push(
            `${client.name}: ${send.clientMessageId} was acked as seq ${outcome.seq} ` +
              `but is stored as seq ${storedSeqs}`,
          );
        }
      } else if (outcome.kind === 'rejected' && copies.length > 0) {
        violations.push(`${client.name}: ${send.clientMessageId} was refused (${outcome.code}) but is stored`);
      }
    }

    for (const view of client.views) {
      checkView(client.name, view, history.get(view.roomId) ?? [], counts, violations);
    }
  }
  return { counts, violations };
}

function checkView(
  client: string,
  view: RoomView,
  history: readonly HistoryMessage[],
  counts: ChaosCounts,
  violations: string[],
): void {
  const bySeq = new Map<number, HistoryMessage>(history.map((m) => [m.seq, m]));
  const received = new Set<number>();
  let highest = view.afterSeq;
  let reordered = 0;
  for (const message of view.received) {
    const expected = bySeq.get(message.seq);
    if (expected === undefined || expected.id !== message.id) {
      violations.push(
        `${client}: received seq ${message.seq} (${message.id}) that history of room ${view.roomId} does not hold`,
      );
    }
    if (received.has(message.seq)) {
      counts.duplicated++;
      violations.push(`${client}: received seq ${message.seq} of room ${view.roomId} twice`);
      continue;
    }
    received.add(message.seq);
    counts.delivered++;
    if (message.seq < highest) reordered++;
    highest = Math.max(highest, message.seq);
  }
  if (reordered > 0) {
    counts.reordered += reordered;
    violations.push(`${client}: ${reordered} messages of room ${view.roomId} arrived after a higher seq`);
  }
  const missing = history.filter((m) => m.seq > view.afterSeq && !received.has(m.seq)).map((m) => m.seq);
  if (missing.length > 0) {
    counts.lost += missing.length;
    violations.push(
      `${client}: missed ${missing.length} messages of room ${view.roomId} ` +
        `(seqs ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''})`,
    );
  }
}

function storedKey(roomId: string, senderId: string, clientMessageId: string): string {
  return `${roomId}\u0000${senderId}\u0000${clientMessageId}`;
}
