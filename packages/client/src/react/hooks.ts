import { useMemo, useSyncExternalStore } from 'react';
import type { ChatClient } from '../chat-client.ts';
import type { ClientSnapshot } from '../client-types.ts';
import type { NotificationsView } from '../notifications-store.ts';
import type { RateLimitState } from '../rate-limit-gate.ts';
import type { RoomMessage } from '../room-message-view.ts';
import { useChatClient } from './socket-provider.ts';

/** What `useSockets()` returns: the client's snapshot plus its main actions, bound. */
export interface SocketsValue extends ClientSnapshot {
  client: ChatClient;
  send: ChatClient['send'];
  retry: ChatClient['retry'];
  history: ChatClient['history'];
  joinRoom: ChatClient['joinRoom'];
  leaveRoom: ChatClient['leaveRoom'];
  listRooms: ChatClient['listRooms'];
  createRoom: ChatClient['createRoom'];
  markRead: ChatClient['markRead'];
  typing: ChatClient['typing'];
  markNotificationsRead: ChatClient['markNotificationsRead'];
}

/** The connection state (`status`, sockets, rate limit, outbox, unread count) and actions; re-renders on change. */
export function useSockets(): SocketsValue {
  const client = useChatClient();
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const actions = useMemo(
    () => ({
      client,
      send: client.send.bind(client),
      retry: client.retry.bind(client),
      history: client.history.bind(client),
      joinRoom: client.joinRoom.bind(client),
      leaveRoom: client.leaveRoom.bind(client),
      listRooms: client.listRooms.bind(client),
      createRoom: client.createRoom.bind(client),
      markRead: client.markRead.bind(client),
      typing: client.typing.bind(client),
      markNotificationsRead: client.markNotificationsRead.bind(client),
    }),
    [client],
  );
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}

/** A room's message list (stored in seq order, then my pending ones); re-renders on change. */
export function useRoomMessages(roomId: string): readonly RoomMessage[] {
  const store = useChatClient().room(roomId);
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** The notifications (newest first) and the unread count. */
export function useNotifications(): NotificationsView {
  const { notifications } = useChatClient();
  return useSyncExternalStore(notifications.subscribe, notifications.get, notifications.get);
}

/** The rate-limit block and its countdown (`secondsLeft`). */
export function useRateLimit(): RateLimitState {
  const { rateLimit } = useChatClient();
  return useSyncExternalStore(rateLimit.subscribe, rateLimit.get, rateLimit.get);
}
