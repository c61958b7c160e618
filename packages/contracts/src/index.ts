/** The wire contract of the chat system, generated from asyncapi.yaml and openapi.yaml. */
export type * from './generated/models.ts';
export type { paths, components, operations } from './generated/openapi.ts';
export { subjects, streams, requestSchemas, type NatsRequests, type NatsRequestSubject } from './generated/nats.ts';
export {
  namespaces,
  clientEventSchemas,
  type ChatClientToServerEvents,
  type ChatServerToClientEvents,
  type NotificationsClientToServerEvents,
  type NotificationsServerToClientEvents,
} from './generated/socket-events.ts';
export { contractSchemas, type SchemaTypes } from './generated/schemas.ts';
export { validate, validateInline, type SchemaName, type ValidationResult } from './validators.ts';
export {
  createRestClient,
  restBaseUrl,
  type RestClient,
  type RestClientOptions,
  type RestMiddleware,
} from './rest-client.ts';

import type { RoomUpdatePage } from './generated/models.ts';
/** One socket event of a room (name and payload); Modelina inlines this union, so it is named here. */
export type RoomUpdate = RoomUpdatePage['updates'][number];
