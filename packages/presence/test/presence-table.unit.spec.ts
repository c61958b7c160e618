import { describe, it, expect } from 'vitest';
import { PresenceTable } from '../src/index.ts';

const [ann, ben, cat] = [
  'a0000000-0000-4000-8000-000000000001',
  'b0000000-0000-4000-8000-000000000002',
  'c0000000-0000-4000-8000-000000000003',
];

describe('PresenceTable', () => {
  it('counts local sockets per user and reports only first-online and last-offline transitions', () => {
    const table = new PresenceTable();
    expect(table.addLocal(ann)).toBe(true);
    expect(table.addLocal(ann)).toBe(false);
    expect(table.removeLocal(ann)).toBe(false);
    expect(table.removeLocal(ann)).toBe(true);
    expect(table.removeLocal(ann)).toBe(false);
    expect(table.hasLocalUsers).toBe(false);
  });

  it('unions local users with every other gateway’s announced set, replacing a gateway’s set on each announcement', () => {
    const table = new PresenceTable();
    table.addLocal(cat);
    expect(table.applyRemote('g2', [ann, ben], 0)).toBe(true);
    expect(table.online()).toEqual([ann, ben, cat]);
    expect(table.applyRemote('g2', [ann, ben], 1)).toBe(false);
    expect(table.applyRemote('g2', [ben], 2)).toBe(true);
    expect(table.online()).toEqual([ben, cat]);
    expect(table.applyRemote('g2', [], 3)).toBe(true);
    expect(table.online()).toEqual([cat]);
    expect(table.localUsers()).toEqual([cat]);
  });

  it('forgets gateways that went silent', () => {
    const table = new PresenceTable();
    table.applyRemote('g2', [ann], 1_000);
    table.applyRemote('g3', [ben], 5_000);
    expect(table.expire(2_000)).toBe(true);
    expect(table.online()).toEqual([ben]);
    expect(table.expire(2_000)).toBe(false);
  });
});
