import { describe, it, expect } from 'vitest';
import { checkInvariants, type ClientRecord, type HistoryMessage, type SendRecord } from '../src/chaos/invariants.ts';
import { checkMentions } from '../src/chaos/mention-invariants.ts';
import { recoverySeconds } from '../src/chaos/recovery.ts';

const room = 'room-1';
const history = (...seqs: Array<[seq: number, clientMessageId: string]>): Map<string, HistoryMessage[]> =>
  new Map([
    [
      room,
      seqs.map(([seq, clientMessageId]) => ({ id: `m${seq}`, roomId: room, seq, senderId: 'alice', clientMessageId })),
    ],
  ]);
const ok = (clientMessageId: string, seq: number): SendRecord => ({
  roomId: room,
  clientMessageId,
  outcome: { kind: 'ok', seq, messageId: `m${seq}` },
  settledAt: 0,
});
const view = (...seqs: number[]) => ({
  roomId: room,
  afterSeq: 0,
  received: seqs.map((seq) => ({ id: `m${seq}`, seq })),
});
const client = (sends: SendRecord[], ...views: ReturnType<typeof view>[]): ClientRecord => ({
  name: 'c1',
  senderId: 'alice',
  sends,
  views,
});

describe('chaos invariants', () => {
  it('passes a clean run and counts it', () => {
    const report = checkInvariants([client([ok('a', 1), ok('b', 2)], view(1, 2))], history([1, 'a'], [2, 'b']));
    expect(report.violations).toEqual([]);
    expect(report.counts).toEqual({
      clients: 1,
      sent: 2,
      acked: 2,
      delivered: 2,
      lost: 0,
      duplicated: 0,
      reordered: 0,
    });
  });

  it('finds a message acked ok that history does not hold (ok-then-lost)', () => {
    const report = checkInvariants([client([ok('a', 1), ok('b', 2)], view(1))], history([1, 'a']));
    expect(report.counts.lost).toBe(1);
    expect(report.violations.join('\n')).toMatch(/b was acked ok .* not in history/);
  });

  it('finds a message stored twice under one clientMessageId', () => {
    const report = checkInvariants([client([ok('a', 1)], view(1, 2))], history([1, 'a'], [2, 'a']));
    expect(report.counts.duplicated).toBe(1);
    expect(report.violations.join('\n')).toMatch(/stored 2 times/);
  });

  it('finds a refused message that was stored anyway', () => {
    const refused: SendRecord = {
      roomId: room,
      clientMessageId: 'x',
      outcome: { kind: 'rejected', code: 'VALIDATION_FAILED' },
      settledAt: 0,
    };
    const report = checkInvariants([client([refused], view(1))], history([1, 'x']));
    expect(report.violations.join('\n')).toMatch(/refused \(VALIDATION_FAILED\) but is stored/);
  });

  it('allows an unanswered send to be stored once or not at all', () => {
    const unknown: SendRecord = {
      roomId: room,
      clientMessageId: 'u',
      outcome: { kind: 'unknown', reason: 'timeout' },
      settledAt: 0,
    };
    expect(checkInvariants([client([unknown], view(1))], history([1, 'u'])).violations).toEqual([]);
    expect(checkInvariants([client([unknown], view())], history()).violations).toEqual([]);
  });

  it('finds gaps, duplicates and reordering in a client view', () => {
    const h = history([1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']);
    expect(checkInvariants([client([], view(1, 2, 4))], h).counts).toMatchObject({
      lost: 1,
      duplicated: 0,
      reordered: 0,
    });
    expect(checkInvariants([client([], view(1, 2, 2, 3, 4))], h).counts).toMatchObject({
      lost: 0,
      duplicated: 1,
      reordered: 0,
    });
    expect(checkInvariants([client([], view(1, 3, 2, 4))], h).counts).toMatchObject({
      lost: 0,
      duplicated: 0,
      reordered: 1,
    });
  });

  it('only expects what came after the client joined, and flags a seq history does not hold', () => {
    const h = history([1, 'a'], [2, 'b']);
    expect(
      checkInvariants([client([], { roomId: room, afterSeq: 1, received: [{ id: 'm2', seq: 2 }] })], h).violations,
    ).toEqual([]);
    expect(checkInvariants([client([], view(1, 2, 9))], h).violations.join('\n')).toMatch(/seq 9 .* does not hold/);
  });

  it('wants each owed mention exactly once in every view of its user, and none not owed', () => {
    const owed = [
      { userId: 'bob', messageId: 'm1' },
      { userId: 'bob', messageId: 'm2' },
    ];
    const mention = (id: string, messageId: string) => ({ id, type: 'mention' as const, messageId });
    const clean = checkMentions(owed, [
      {
        userId: 'bob',
        source: 'REST',
        notifications: [mention('n1', 'm1'), mention('n2', 'm2'), { id: 'n3', type: 'addedToRoom' as const }],
      },
    ]);
    expect(clean).toEqual({ lost: 0, duplicated: 0, violations: [] });

    const broken = checkMentions(owed, [
      { userId: 'bob', source: 'REST', notifications: [mention('n1', 'm1'), mention('n1b', 'm1')] },
      {
        userId: 'bob',
        source: 'store',
        notifications: [mention('n1', 'm1'), mention('n2', 'm2'), mention('n9', 'm9')],
      },
    ]);
    expect(broken.lost).toBe(1);
    expect(broken.duplicated).toBe(1);
    expect(broken.violations.join('\n')).toMatch(/REST of bob: no mention notification for message m2/);
    expect(broken.violations.join('\n')).toMatch(/REST of bob: message m1 notified 2 times/);
    expect(broken.violations.join('\n')).toMatch(
      /store of bob: a mention notification for message m9, which is not owed/,
    );
  });

  it('measures recovery from the heal to the last first-ok of a sender and the last rejoin of a client', () => {
    const send = (kind: 'ok' | 'unknown', settledAt: number): SendRecord => ({
      roomId: room,
      clientMessageId: `c${settledAt}`,
      outcome: kind === 'ok' ? { kind, seq: 1, messageId: 'm' } : { kind, reason: 'x' },
      settledAt,
    });
    const faultAt = 1_000;
    const healedAt = 5_000;
    // One sender acked 500 ms after the heal, the other 2 s after; one client rejoined 3 s after.
    const senders = [
      { sends: [send('ok', 900), send('ok', 5_500)] },
      { sends: [send('unknown', 4_000), send('ok', 7_000)] },
    ];
    expect(recoverySeconds(faultAt, healedAt, senders, [{ joins: [0, 8_000] }])).toBe(3);
    expect(recoverySeconds(faultAt, healedAt, senders, [{ joins: [0] }])).toBe(2);
    // A sender done before the heal waits for nothing; one that never got an ok after it never recovered.
    expect(recoverySeconds(faultAt, healedAt, [{ sends: [send('ok', 900)] }], [])).toBe(0);
    expect(recoverySeconds(faultAt, healedAt, [{ sends: [send('unknown', 6_000)] }], [])).toBeNaN();
  });
});
