import { describe, it, expect } from 'vitest';
import { normalizedText } from '../src/domain/text-normalization.ts';

describe('normalizedText', () => {
  it('puts message text and room names in NFC and leaves every other field as sent', () => {
    const decomposed = 'Cafe\u0301 \u212B';
    expect(normalizedText({ message: decomposed, clientMessageId: decomposed, roomId: 'r' })).toEqual({
      message: 'Café Å',
      clientMessageId: decomposed,
      roomId: 'r',
    });
    expect(normalizedText({ name: decomposed })).toEqual({ name: 'Café Å' });
    const untouched: { message?: string; roomId: string } = { roomId: 'r' };
    expect(normalizedText(untouched)).toEqual({ roomId: 'r' });
  });
});
