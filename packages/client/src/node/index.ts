/** Node-only parts of the client (they use node:fs): import from `@chatrt/client/node`. */
export { FileOutboxStore } from './file-outbox-store.ts';
