import type { Message, MessagePage, RoomEvents } from '@chatrt/contracts';
import type { ChatUser } from '@chatrt/harness';
import type { ChatClient, ChatClientError, ChatSocket, ConnectionStatus, RoomMessage } from '../../src/index.ts';
import { until } from './e2e.ts';

/** Posts `text` to a room as `user` over REST (the gateway the user is configured for) and returns the stored message. */
export async function say(user: ChatUser, roomId: string, text: string): Promise<Message> {
  const res = await user.http<Message>('POST', '/chat/messages', { roomId, message: text });
  if (res.status !== 201) throw new Error(`${user.username} could not send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A room's stored history (up to 200 messages, oldest first) as `user` reads it over REST. */
export async function historyOf(user: ChatUser, roomId: string): Promise<Message[]> {
  return (await user.http<MessagePage>('GET', `/chat/messages?roomId=${roomId}&limit=200`)).body.messages;
}

/** Resolves once the client's list of the room holds these messages (matched by id). */
export function untilListed(client: ChatClient, roomId: string, messages: Message | readonly Message[], what: string) {
  const store = client.room(roomId);
  const wanted = 'id' in messages ? [messages] : messages;
  return until(store, () => wanted.every((w) => store.get().some((m) => m.id === w.id)), what);
}

/** Resolves once the client's list of the room holds the message with this id and it satisfies `holds`. */
export function untilMessage(
  client: ChatClient,
  roomId: string,
  id: string,
  what: string,
  holds: (m: RoomMessage) => boolean,
) {
  const store = client.room(roomId);
  return until(store, () => store.get().some((m) => m.id === id && holds(m)), what);
}

/** Every status the client reports from now on, in order. */
export function recordStatuses(client: ChatClient): ConnectionStatus[] {
  const seen: ConnectionStatus[] = [];
  client.on('status', (s) => seen.push(s));
  return seen;
}

/** Resolves with the first message from `senderId` that reaches the socket in a batched `roomEvents` frame. */
export function batchedMessageFrom(socket: ChatSocket, senderId: string): Promise<Message> {
  return new Promise((resolve) => {
    const onBatch = ({ events }: RoomEvents) => {
      const copy = events.find((e) => e.event === 'message' && e.payload.senderId === senderId);
      if (copy?.event !== 'message') return;
      socket.off('roomEvents', onBatch);
      resolve(copy.payload);
    };
    socket.on('roomEvents', onBatch);
  });
}

/** Resolves with the first room the client reports refused, and the refusal's code. */
export function firstRoomRefusal(client: ChatClient): Promise<[roomId: string, code: ChatClientError['code']]> {
  return new Promise((resolve) => {
    client.on('roomRefused', (roomId, err) => {
      resolve([roomId, err.code]);
    });
  });
}

/** Resolves with the code of the first error the client reports. */
export function firstErrorCode(client: ChatClient): Promise<ChatClientError['code']> {
  return new Promise((resolve) => {
    client.on('error', (err) => {
      resolve(err.code);
    });
  });
}
