/**
 * Pins the Socket.IO event maps generated from asyncapi.yaml: every client event is acked with its reply type,
 * acks narrow on `ok`, and the typed sockets of socket.io / socket.io-client refuse what the spec lacks.
 */
import type { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ApiError,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  Message,
  MessageAck,
  NotificationsClientToServerEvents,
  NotificationsServerToClientEvents,
  Notification,
  SendMessageRequest,
  SubscribeNotificationsAck,
} from '../src/index.ts';

type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
// Type tests only: these are never run, so declaring them spares building real ones.
declare const socket: ChatSocket;
declare const chat: ReturnType<Server<ChatClientToServerEvents, ChatServerToClientEvents>['of']>;

describe('the /chat event maps', () => {
  it('pairs each client event with its payload and ack', () => {
    expectTypeOf<Parameters<ChatClientToServerEvents['sendMessage']>[0]>().toEqualTypeOf<SendMessageRequest>();
    expectTypeOf<Parameters<Parameters<ChatClientToServerEvents['sendMessage']>[1]>[0]>().toEqualTypeOf<MessageAck>();
    expectTypeOf<keyof ChatClientToServerEvents>().toEqualTypeOf<
      | 'createRoom'
      | 'joinRoom'
      | 'sendMessage'
      | 'editMessage'
      | 'deleteMessage'
      | 'markRead'
      | 'addMember'
      | 'removeMember'
      | 'typing'
      | 'ping'
    >();
  });

  it('lists what the gateway emits', () => {
    expectTypeOf<Parameters<ChatServerToClientEvents['message']>[0]>().toEqualTypeOf<Message>();
    expectTypeOf<Parameters<ChatServerToClientEvents['sessionExpired']>[0]>().toEqualTypeOf<ApiError>();
    expectTypeOf<keyof ChatServerToClientEvents>().toEqualTypeOf<
      | 'typing'
      | 'presence'
      | 'sessionExpired'
      | 'serverShutdown'
      | 'message'
      | 'messageEdited'
      | 'messageDeleted'
      | 'memberAdded'
      | 'memberRemoved'
      | 'roomEvents'
    >();
  });

  it('narrows an ack on ok', () => {
    const reply = {} as MessageAck;
    if (reply.ok) expectTypeOf(reply.message).toEqualTypeOf<Message>();
    else expectTypeOf(reply.error).toEqualTypeOf<ApiError>();
  });

  it('makes a typed client socket refuse events, payloads and acks the spec lacks', () => {
    expectTypeOf<typeof socket.emit<'sendMessage'>>().toBeCallableWith(
      'sendMessage',
      { roomId: 'r', message: 'hi', clientMessageId: 'c' },
      (reply: MessageAck) => reply.ok,
    );
    // @ts-expect-error: not an event of /chat
    socket.emit('sendMessages', { roomId: 'r', message: 'hi', clientMessageId: 'c' }, () => {});
    // @ts-expect-error: roomId is required
    socket.emit('sendMessage', { message: 'hi', clientMessageId: 'c' }, () => {});
    // @ts-expect-error: the server does not emit this
    socket.on('messageSent', () => {});
  });

  it('makes a typed server namespace emit only what the spec has', () => {
    expectTypeOf<typeof chat.emit<'message'>>().parameter(1).toEqualTypeOf<Message>();
    // @ts-expect-error: not a server event of /chat
    chat.emit('notification', {} as Notification);
  });
});

describe('the /notifications event maps', () => {
  it('pairs subscribe with its ack and delivers notifications', () => {
    expectTypeOf<
      Parameters<Parameters<NotificationsClientToServerEvents['subscribe']>[1]>[0]
    >().toEqualTypeOf<SubscribeNotificationsAck>();
    expectTypeOf<Parameters<NotificationsServerToClientEvents['notification']>[0]>().toEqualTypeOf<Notification>();
  });
});
