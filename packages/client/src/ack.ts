import type { AckFailure, ChatClientToServerEvents, NotificationsClientToServerEvents } from '@chatrt/contracts';
import { ChatClientError, toClientError } from './errors.ts';
import type { ChatSocket, NotificationsSocket } from './sockets.ts';

/**
 * Awaits a Socket.IO acknowledgement (`chatAck` / `notificationsAck`): the `{ok:true}` reply, or a
 * ChatClientError with the reply's code (RATE_LIMITED keeps its retryAfter; TIMEOUT / DISCONNECTED when
 * no reply came).
 */
export async function unwrapAck<T extends { ok: true } | AckFailure>(
  reply: Promise<T>,
): Promise<Exclude<T, AckFailure>> {
  let answer: T;
  try {
    answer = await reply;
  } catch (err) {
    throw toClientError(err);
  }
  if (answer.ok) return answer as Exclude<T, AckFailure>;
  const { code, message, retryAfter } = answer.error;
  throw new ChatClientError(code, message, retryAfter === undefined ? {} : { retryAfter });
}

/** The reply an acknowledged client event's callback receives. */
export type AckReply<F> = F extends (payload: never, ack: (reply: infer R) => void) => void ? R : never;

/** `emitWithAck` as `timedEmit` calls it: event name, one payload, the reply. */
interface TimedEmitter {
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}

/**
 * `socket.timeout(ms).emitWithAck(event, payload)` on the chat socket, the reply typed by the contract's event map
 * (socket.io-client types it `any` once `timeout()` has decorated the acknowledgements).
 */
export function chatAck<E extends keyof ChatClientToServerEvents>(
  socket: ChatSocket,
  timeoutMs: number,
  event: E,
  payload: Parameters<ChatClientToServerEvents[E]>[0],
): Promise<AckReply<ChatClientToServerEvents[E]>> {
  return timedEmit(socket, timeoutMs, event, payload) as Promise<AckReply<ChatClientToServerEvents[E]>>;
}

/** `chatAck` for the notifications socket. */
export function notificationsAck<E extends keyof NotificationsClientToServerEvents>(
  socket: NotificationsSocket,
  timeoutMs: number,
  event: E,
  payload: Parameters<NotificationsClientToServerEvents[E]>[0],
): Promise<AckReply<NotificationsClientToServerEvents[E]>> {
  return timedEmit(socket, timeoutMs, event, payload) as Promise<AckReply<NotificationsClientToServerEvents[E]>>;
}

function timedEmit(
  socket: ChatSocket | NotificationsSocket,
  timeoutMs: number,
  event: string,
  payload: unknown,
): Promise<unknown> {
  // The per-event typing is done by the callers; here the decorated socket is only asked to emit.
  const timed = socket.timeout(timeoutMs) as unknown as TimedEmitter;
  return timed.emitWithAck(event, payload);
}
