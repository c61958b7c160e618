/**
 * Path parameters no id is: control and broken escapes, prototype keys, a huge one, traversal, out-of-range numbers.
 */
export const hostileIds = [
  '%00',
  '%ED%A0%80',
  '%ZZ',
  '__proto__',
  'constructor',
  'x'.repeat(3000),
  '..%2F..%2Fetc',
  '-1',
  '9223372036854775808',
];

/** Query strings every read must refuse (or answer harmlessly), around the room `roomId`. */
export function hostileQueries(roomId: string): string[] {
  return [
    `roomId=${roomId}&before=9223372036854775807`,
    `roomId=${roomId}&after=9007199254740992`,
    `roomId=${roomId}&after=${'9'.repeat(400)}`,
    `roomId=${roomId}&before=-1&limit=1.5`,
    `roomId=${roomId}&limit=99999999999999999999`,
    `roomId=${roomId}&roomId=${roomId}`,
    'afterSeq=9223372036854775808',
    'afterSeq=-1&limit=0',
    'afterSeq=1e400',
    'roomId=%00',
    'roomId[]=x&limit[]=1',
    '__proto__=1&constructor=2&toString=3&hasOwnProperty=4',
    'usernames=%00',
    'usernames=%ED%A0%80',
    'usernames=a%00b,c',
    'usernames=alice&usernames=bob',
    `ids=${roomId}&ids=${roomId}`,
    'ids=%00',
    'unread=maybe&before=9223372036854775807',
    '%ZZ=%ZZ&%00=%00',
  ];
}

/** Request bodies no write accepts: empty, not an object, broken or doubled JSON, prototype pollution, huge. */
export const rawBodies = [
  '',
  'null',
  '0',
  '"text"',
  '[]',
  '{',
  '{"a":1}{"b":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '['.repeat(5000) + ']'.repeat(5000),
  JSON.stringify({ x: 'y'.repeat(70_000) }),
];

/** Authorization headers that are no session. */
export const garbageAuthorizations = ['Bearer x.y.z', `Bearer ${'a'.repeat(5000)}`, 'Basic Zm9vOmJhcg==', 'Bearer'];
