import type { Socket } from 'socket.io-client';
import type {
  ApiError,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  NotificationsClientToServerEvents,
  NotificationsServerToClientEvents,
  ServerShutdown,
} from '@chatrt/contracts';

/** The `/chat` socket, typed by the contract. */
export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
/** The `/notifications` socket, typed by the contract. */
export type NotificationsSocket = Socket<NotificationsServerToClientEvents, NotificationsClientToServerEvents>;

export type Namespace = '/chat' | '/notifications';

/** How `/chat` sends room events: several per `roomEvents` frame, or one frame each. */
export type RoomDelivery = 'batched' | 'single';

/** The parts of a socket handled the same way for both namespaces. */
export type AnySocket = Socket<
  { sessionExpired: (payload: ApiError) => void; serverShutdown: (payload: ServerShutdown) => void },
  { ping: (payload: Record<string, never>, ack: (reply: unknown) => void) => void }
>;

/** What the connection layer reports; the parts created after it listen. */
export interface ConnectionEvents {
  /** A new socket object, before it connects: attach the event handlers here. */
  chatSocket: (socket: ChatSocket) => void;
  notificationsSocket: (socket: NotificationsSocket) => void;
  /** Every (re)connect. */
  chatConnect: (socket: ChatSocket) => void;
  notificationsConnect: (socket: NotificationsSocket) => void;
  /** Connected or given-up state changed. */
  change: () => void;
  /** The token endpoint says there is no session any more. */
  unauthenticated: () => void;
}
