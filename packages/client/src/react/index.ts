/** React bindings of the chat client: `<SocketProvider>` and hooks built on useSyncExternalStore. */
export { SocketProvider, useChatClient, type SocketProviderProps } from './socket-provider.ts';
export { useNotifications, useRateLimit, useRoomMessages, useSockets, type SocketsValue } from './hooks.ts';
