import type { AckFailure } from '@chatrt/contracts';
import { ChatClientError, toClientError } from './errors.ts';

/**
 * Awaits a Socket.IO acknowledgement (`socket.timeout(ms).emitWithAck(...)`): the `{ok:true}` reply, or a
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
