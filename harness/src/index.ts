/** Drives the real system: infrastructure, the whole stack, and clients that behave like browsers. */
export { clientConfigFromEnv, type ClientConfig } from './client/client-config.ts';
export {
  ChatUser,
  type ChatSocket,
  type ConnectOptions,
  type HttpResult,
  type NotificationsSocket,
} from './client/chat-user.ts';
export { RoomInbox } from './client/room-inbox.ts';
export { startTestStack, type TestStack } from './testing/test-stack.ts';
export { startStack, type Stack, type ExtraGateway } from './stack/index.ts';
export { eventually } from './testing/eventually.ts';
export { startNatsServer, type RunningNats } from './infra/nats.ts';
export { startEmbeddedPostgres, type RunningPostgres } from './infra/postgres.ts';
export { TcpProxy } from './testing/tcp-proxy.ts';
export { cpuMsOfTrees } from '../bench/peers/process-cpu.ts';
