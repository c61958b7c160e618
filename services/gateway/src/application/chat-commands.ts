import { subjects, type AckFailure, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { normalizedText } from '../domain/text-normalization.ts';
import type { Backend, Transport } from './ports.ts';
import type { RateLimitPolicy } from './rate-limits.ts';

/** The names of the request subjects in `subjects`. */
type Subject = {
  [K in keyof typeof subjects]: (typeof subjects)[K] extends NatsRequestSubject ? K : never;
}[keyof typeof subjects];
/** A chat command as a client sends it: the NATS command without its actor, whom the gateway adds. */
type Input<S extends Subject> = Omit<NatsRequests[(typeof subjects)[S]]['request'], 'actorId'>;
type Reply<S extends Subject> = Promise<NatsRequests[(typeof subjects)[S]]['reply'] | AckFailure>;

/**
 * The client's chat commands as both transports (socket events and REST routes) pass them on, on
 * validated input: each takes one token of its rate limit (a refusal is the RATE_LIMITED failure and
 * goes no further), normalizes the text, and becomes the chat service's NATS command, acted by the caller.
 */
export interface ChatCommands {
  createRoom(actorId: string, input: Input<'chatCreateRoom'>, transport: Transport): Reply<'chatCreateRoom'>;
  sendMessage(actorId: string, input: Input<'chatSendMessage'>, transport: Transport): Reply<'chatSendMessage'>;
  editMessage(actorId: string, input: Input<'chatEditMessage'>, transport: Transport): Reply<'chatEditMessage'>;
  deleteMessage(actorId: string, input: Input<'chatDeleteMessage'>, transport: Transport): Reply<'chatDeleteMessage'>;
  markRead(actorId: string, input: Input<'chatMarkRead'>, transport: Transport): Reply<'chatMarkRead'>;
  addMember(actorId: string, input: Input<'chatAddMember'>, transport: Transport): Reply<'chatAddMember'>;
  removeMember(actorId: string, input: Input<'chatRemoveMember'>, transport: Transport): Reply<'chatRemoveMember'>;
}

export function createChatCommands(deps: { backend: Backend; rateLimits: RateLimitPolicy }): ChatCommands {
  const { backend, rateLimits } = deps;
  return {
    createRoom: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'createRoom', transport) ??
      backend.request(subjects.chatCreateRoom, { actorId, ...normalizedText(input) }),
    sendMessage: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'send', transport) ??
      backend.request(subjects.chatSendMessage, { actorId, ...normalizedText(input) }),
    editMessage: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'edit', transport) ??
      backend.request(subjects.chatEditMessage, { actorId, ...normalizedText(input) }),
    deleteMessage: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'edit', transport) ??
      backend.request(subjects.chatDeleteMessage, { actorId, ...input }),
    markRead: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'read', transport) ?? backend.request(subjects.chatMarkRead, { actorId, ...input }),
    addMember: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'membership', transport) ??
      backend.request(subjects.chatAddMember, { actorId, ...input }),
    removeMember: async (actorId, input, transport) =>
      rateLimits.check(actorId, 'membership', transport) ??
      backend.request(subjects.chatRemoveMember, { actorId, ...input }),
  };
}
