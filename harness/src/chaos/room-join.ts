import { emitWithAck } from '../client/ack.ts';
import type { ChatSocket } from '../client/chat-user.ts';
import type { ClientConfig } from '../client/client-config.ts';
import type { ChaosClientOptions } from './chaos-client-options.ts';
import { withTimeout } from './timers.ts';

/**
 * Connects a chaos client's user to one gateway and joins its room. `beforeJoin` runs once the socket is up and
 * returns the seq to resume after: the caller attaches its listeners there, so nothing the join delivers is missed.
 * A failed attempt leaves no socket behind.
 */
export async function joinRoomOver(
  config: ClientConfig,
  options: ChaosClientOptions,
  beforeJoin: (socket: ChatSocket) => Promise<number>,
): Promise<ChatSocket> {
  let socket: ChatSocket | undefined;
  try {
    options.user.config = config;
    socket = await withTimeout(options.user.connectChat(options.connectOptions), 10_000, 'connect');
    const afterSeq = await beforeJoin(socket);
    const joined = await emitWithAck(socket, 10_000, 'joinRoom', { roomId: options.roomId, afterSeq });
    if (!joined.ok) throw new Error(`joinRoom: ${joined.error.code} ${joined.error.message}`);
    return socket;
  } catch (err) {
    socket?.disconnect();
    throw err;
  }
}
