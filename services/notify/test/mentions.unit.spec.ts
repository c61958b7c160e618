import { describe, it, expect } from 'vitest';
import { lookupBatches, mentionCandidates, mentionedUserIds, usernameKey } from '../src/domain/mentions.ts';

const ann = { id: 'a0000000-0000-4000-8000-000000000001', username: 'Ann' };
const bob = { id: 'b0000000-0000-4000-8000-000000000002', username: 'bob.smith' };
const bobDot = { id: 'b0000000-0000-4000-8000-000000000003', username: 'bob.' };

describe('mentionCandidates', () => {
  it('finds @names with username characters, 3 to 32 long, once each by case-insensitive key', () => {
    expect(mentionCandidates('hi @ann and @Bob.Smith, also @ANN and @bob.smith')).toEqual(['ann', 'Bob.Smith']);
  });

  it('needs a word boundary on both sides of the mention', () => {
    expect(mentionCandidates('mail ann@example.com or @@ann')).toEqual([]);
    expect(mentionCandidates(`@${'x'.repeat(33)} and @ab`)).toEqual([]);
    expect(mentionCandidates(`(@${'x'.repeat(32)}) !@ann? @ann's`)).toEqual(['x'.repeat(32), 'ann']);
  });

  it('also tries a name without trailing sentence punctuation', () => {
    expect(mentionCandidates('thanks @ann. see you @bob.smith...')).toEqual([
      'ann.',
      'ann',
      'bob.smith...',
      'bob.smith',
    ]);
    expect(mentionCandidates('@ab.')).toEqual(['ab.']);
  });
});

describe('mentionedUserIds', () => {
  it('resolves names case-insensitively to the users found, ignoring names nobody has', () => {
    expect(mentionedUserIds('@ANN @nobody @bob.smith @ann', [ann, bob])).toEqual([ann.id, bob.id].sort());
  });

  it('prefers the full name, then the name without trailing punctuation', () => {
    expect(mentionedUserIds('thanks @ann.', [ann])).toEqual([ann.id]);
    expect(mentionedUserIds('hey @bob.', [bobDot, bob])).toEqual([bobDot.id]);
  });

  it('finds nothing in a text without mentions', () => {
    expect(mentionedUserIds('no mentions here', [ann])).toEqual([]);
  });
});

describe('usernameKey and lookupBatches', () => {
  it('lower-cases ASCII only, like the auth service', () => {
    expect(usernameKey('Ann_B.C-9')).toBe('ann_b.c-9');
    expect(usernameKey('\u212Aevin')).not.toBe('kevin');
  });

  it('splits lookups into batches of at most 100 names', () => {
    const names = Array.from({ length: 250 }, (_, i) => `user${i}`);
    expect(lookupBatches(names).map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(lookupBatches([])).toEqual([]);
  });
});
