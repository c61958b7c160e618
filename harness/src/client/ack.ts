import type { ChatClientToServerEvents } from '@chatrt/contracts';
import type { ChatSocket } from './chat-user.ts';

type ChatEvent = keyof ChatClientToServerEvents;
type PayloadOf<E extends ChatEvent> = Parameters<ChatClientToServerEvents[E]>[0];
type AckOf<E extends ChatEvent> = Parameters<Parameters<ChatClientToServerEvents[E]>[1]>[0];

/**
 * `socket.timeout(ms).emitWithAck(event, payload)` with the contract's ack type. Socket.IO's client types that reply
 * as `any` once `timeout` adds the error argument to the ack (its `FirstArg` only matches one-argument callbacks).
 * Rejects when no ack comes within `timeoutMs`.
 */
export function emitWithAck<E extends ChatEvent>(
  socket: ChatSocket,
  timeoutMs: number,
  event: E,
  payload: PayloadOf<E>,
): Promise<AckOf<E>> {
  const timed = socket.timeout(timeoutMs) as unknown as {
    emitWithAck: (event: E, payload: PayloadOf<E>) => Promise<AckOf<E>>;
  };
  return timed.emitWithAck(event, payload);
}
