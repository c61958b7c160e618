import { randomUUID } from 'node:crypto';
import type { Message } from '@chatrt/contracts';
import type { ChatSocket } from '../../src/index.ts';

/** The ack of a command that must succeed; a refusal fails the test with its error. */
export function accepted<A extends { ok: true } | { ok: false; error: unknown }>(ack: A): Extract<A, { ok: true }> {
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack as Extract<A, { ok: true }>;
}

/** Sends a message over a socket and returns the stored message; a refusal fails the test. */
export async function sendOverSocket(
  socket: ChatSocket,
  roomId: string,
  text: string,
  clientMessageId: string = randomUUID(),
): Promise<Message> {
  return accepted(await socket.emitWithAck('sendMessage', { roomId, message: text, clientMessageId })).message;
}
