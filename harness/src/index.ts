/** Drives the real system: infrastructure, the whole stack, and clients that behave like browsers. */
export { clientConfigFromEnv, type ClientConfig } from './client/client-config.ts';
export { ChatUser, MessageInbox, type ChatSocket, type HttpResult } from './client/chat-user.ts';
