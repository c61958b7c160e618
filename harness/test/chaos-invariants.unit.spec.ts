import { describe, it, expect } from 'vitest';
import { checkInvariants, type ClientRecord, type HistoryMessage, type SendRecord } from '../src/chaos/invariants.ts';

const room = 'room-1';
const history = (...seqs: Array<[seq: number, clientMessageId: string]>): Map<string, HistoryMessage[]> =>
  new Map([[room, seqs.map(([seq, clientMessageId]) => ({ id: `m${seq}`, roomId: room, seq, senderId: 'alice', clientMessageId }))]]);
const ok = (clientMessageId: string, seq: number): SendRecord => ({ roomId: room, clientMessageId, outcome: { kind: 'ok', seq, messageId: `m${seq}` } });
const view = (...seqs: number[]) => ({ roomId: room, afterSeq: 0, received: seqs.map((seq) => ({ id: `m${seq}`, seq })) });
const client = (sends: SendRecord[], ...views: ReturnType<typeof view>[]): ClientRecord => ({ name: 'c1', senderId: 'alice', sends, views });

describe('chaos invariants', () => {
  it('passes a clean run and counts it', () => {
    const report = checkInvariants([client([ok('a', 1), ok('b', 2)], view(1, 2))], history([1, 'a'], [2, 'b']));
    expect(report.violations).toEqual([]);
    expect(report.counts).toEqual({ clients: 1, sent: 2, acked: 2, delivered: 2, lost: 0, duplicated: 0, reordered: 0 });
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
    const refused: SendRecord = { roomId: room, clientMessageId: 'x', outcome: { kind: 'rejected', code: 'VALIDATION_FAILED' } };
    const report = checkInvariants([client([refused], view(1))], history([1, 'x']));
    expect(report.violations.join('\n')).toMatch(/refused \(VALIDATION_FAILED\) but is stored/);
  });

  it('allows an unanswered send to be stored once or not at all', () => {
    const unknown: SendRecord = { roomId: room, clientMessageId: 'u', outcome: { kind: 'unknown', reason: 'timeout' } };
    expect(checkInvariants([client([unknown], view(1))], history([1, 'u'])).violations).toEqual([]);
    expect(checkInvariants([client([unknown], view())], history()).violations).toEqual([]);
  });

  it('finds gaps, duplicates and reordering in a client view', () => {
    const h = history([1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']);
    expect(checkInvariants([client([], view(1, 2, 4))], h).counts).toMatchObject({ lost: 1, duplicated: 0, reordered: 0 });
    expect(checkInvariants([client([], view(1, 2, 2, 3, 4))], h).counts).toMatchObject({ lost: 0, duplicated: 1, reordered: 0 });
    expect(checkInvariants([client([], view(1, 3, 2, 4))], h).counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 1 });
  });

  it('only expects what came after the client joined, and flags a seq history does not hold', () => {
    const h = history([1, 'a'], [2, 'b']);
    expect(checkInvariants([client([], { roomId: room, afterSeq: 1, received: [{ id: 'm2', seq: 2 }] })], h).violations).toEqual([]);
    expect(checkInvariants([client([], view(1, 2, 9))], h).violations.join('\n')).toMatch(/seq 9 .* does not hold/);
  });
});
