/**
 * The chat service's package entry: what other packages and tests start it with. `main.ts` runs it as
 * a process; `chat.ts` wires it.
 */
export { startChat, type Chat } from './chat.ts';
export { loadChatConfig, type ChatConfig } from './config.ts';
export { rebuildReadModels, type RebuildReport } from './adapters/projections/rebuild.ts';
