import { describe, it, expect } from 'vitest';
import { PresenceBook } from '../src/domain/presence-book.ts';

const [ann, bob] = ['a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002'];
const [room1, room2] = ['10000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002'];

describe('PresenceBook', () => {
  it('unions every gateway’s announced set per room, each announcement replacing that gateway’s set', () => {
    const book = new PresenceBook({ expireAfterMs: 30_000 });
    book.apply({ gatewayId: 'g1', roomId: room1, userIds: [ann], sync: false }, 0);
    book.apply({ gatewayId: 'g2', roomId: room1, userIds: [bob], sync: true }, 0);
    book.apply({ gatewayId: 'g1', roomId: room2, userIds: [bob], sync: false }, 0);
    expect(book.online(room1, 1)).toEqual(new Set([ann, bob]));
    expect(book.online(room2, 1)).toEqual(new Set([bob]));
    book.apply({ gatewayId: 'g1', roomId: room1, userIds: [], sync: false }, 2);
    expect(book.online(room1, 3)).toEqual(new Set([bob]));
  });

  it('forgets a gateway silent for longer than the expiry, and rooms nobody is in', () => {
    const book = new PresenceBook({ expireAfterMs: 30_000 });
    book.apply({ gatewayId: 'g1', roomId: room1, userIds: [ann], sync: false }, 0);
    book.apply({ gatewayId: 'g2', roomId: room1, userIds: [bob], sync: false }, 20_000);
    expect(book.online(room1, 30_000)).toEqual(new Set([ann, bob]));
    expect(book.online(room1, 30_001)).toEqual(new Set([bob]));
    book.sweep(50_001);
    expect(book.size).toBe(0);
    expect(book.online(room1, 50_001)).toEqual(new Set());
  });

  it('keeps no room for an empty announcement', () => {
    const book = new PresenceBook({ expireAfterMs: 30_000 });
    book.apply({ gatewayId: 'g1', roomId: room1, userIds: [], sync: true }, 0);
    expect(book.size).toBe(0);
  });
});
