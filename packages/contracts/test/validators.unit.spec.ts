import { describe, it, expect } from 'vitest';
import { validate, type SchemaName } from '../src/index.ts';
import { contractSchemas } from '../src/generated/schemas.ts';

const id = '00000000-0000-4000-8000-000000000001';
const hostileText = { nul: 'a\u0000b', loneHigh: 'a\uD800b', loneLow: '\uDC00', reversedPair: '\uDC00\uD800' };
const fineText = ['héllo wörld', 'e\u0301', '💬 ok', '日本語', 'tab\tand\nnewline'];

/** Each stored or looked-up text field, as a request carrying `text` in it: at the edge and on NATS. */
const textFields: Array<[SchemaName, (text: string) => unknown]> = [
  ['SendMessageCommand', (text) => ({ actorId: id, roomId: id, message: text, clientMessageId: 'c1' })],
  ['SendMessageCommand', (text) => ({ actorId: id, roomId: id, message: 'hi', clientMessageId: text })],
  ['EditMessageCommand', (text) => ({ actorId: id, messageId: id, message: text })],
  ['CreateRoomCommand', (text) => ({ actorId: id, name: text })],
  ['SendMessageRequest', (text) => ({ roomId: id, message: text, clientMessageId: 'c1' })],
  ['SendMessageRequest', (text) => ({ roomId: id, message: 'hi', clientMessageId: text })],
  ['EditMessageRequest', (text) => ({ messageId: id, message: text })],
  ['CreateRoomRequest', (text) => ({ name: text })],
  ['PostMessageRequest', (text) => ({ roomId: id, message: text })],
  ['LoginCommand', (text) => ({ username: text, password: 'correct horse', clientAddress: '127.0.0.1' })],
  ['LoginCommand', (text) => ({ username: 'alice', password: `${text}-long-enough`, clientAddress: '127.0.0.1' })],
  ['LoginRequest', (text) => ({ username: text, password: 'correct horse' })],
  ['LoginRequest', (text) => ({ username: 'alice', password: `${text}-long-enough` })],
  ['RegisterCommand', (text) => ({ username: 'alice', password: `${text}-long-enough` })],
  ['FindUsersQuery', (text) => ({ usernames: ['alice', text] })],
  ['ResolveSessionQuery', (text) => ({ sessionId: text })],
];

describe('validate', () => {
  it('refuses NUL and lone surrogates in every text that is stored or looked up, with the path', () => {
    for (const [schema, carrying] of textFields) {
      for (const [kind, text] of Object.entries(hostileText)) {
        const checked = validate(schema, carrying(text));
        expect(checked.ok, `${schema} ${kind}`).toBe(false);
        if (!checked.ok) expect(checked.path, `${schema} ${kind}`).toMatch(/^\/\w+/);
      }
      for (const text of fineText) expect(validate(schema, carrying(text)).ok, `${schema} ${text}`).toBe(true);
    }
  });

  it('bounds seqs and cursors at the largest safe integer', () => {
    const max = Number.MAX_SAFE_INTEGER;
    for (const value of [max + 1, 2 ** 63, Infinity, -1, 0.5]) {
      expect(validate('JoinRoomRequest', { roomId: id, afterSeq: value }).ok, String(value)).toBe(false);
      expect(validate('SubscribeNotificationsRequest', { afterCursor: value }).ok, String(value)).toBe(false);
      expect(validate('ReadBody', { seq: value }).ok, String(value)).toBe(false);
    }
    expect(validate('JoinRoomRequest', { roomId: id, afterSeq: max }).ok).toBe(true);
  });

  it('throws a clear error for a name that is no contract schema, whatever the name', () => {
    for (const name of ['toString', '__proto__', 'constructor', 'NoSuchSchema']) {
      expect(() => validate(name as SchemaName, {})).toThrow(`no contract schema named '${name}'`);
    }
  });

  it('uses a text pattern that means the same with and without the regex u flag', () => {
    const patterns = new Set(JSON.stringify(contractSchemas).match(/"pattern":"[^"]*\\\\u0000[^"]*"/g));
    expect(patterns.size).toBe(1);
    const [entry = ''] = patterns;
    const { pattern: source } = JSON.parse(`{${entry}}`) as { pattern: string };
    for (const text of [...Object.values(hostileText), ...fineText]) {
      expect(new RegExp(source).test(text), text).toBe(new RegExp(source, 'u').test(text));
    }
  });
});
