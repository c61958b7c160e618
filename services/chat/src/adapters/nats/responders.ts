import { subjects, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { respond, type HandlerMetrics, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { ChatHandlers } from '../chat-handlers.ts';

/** NATS queue group: instances of the chat service share the request load. */
export const queueGroup = 'chat';

/** Answers the chat subjects with `handlers`; `metrics` times each request by subject and outcome. */
export function startChatResponders(
  nc: NatsConnection,
  handlers: ChatHandlers,
  options: { log: Logger; metrics: HandlerMetrics },
): Responder[] {
  const serve = <S extends NatsRequestSubject>(
    subject: S,
    handler: (request: NatsRequests[S]['request']) => Promise<NatsRequests[S]['reply']>,
  ): Responder => respond(nc, subject, handler, { log: options.log, queue: queueGroup, metrics: options.metrics });
  return [
    serve(subjects.chatCreateRoom, (r) => handlers.createRoom(r)),
    serve(subjects.chatSendMessage, (r) => handlers.sendMessage(r)),
    serve(subjects.chatEditMessage, (r) => handlers.editMessage(r)),
    serve(subjects.chatDeleteMessage, (r) => handlers.deleteMessage(r)),
    serve(subjects.chatMarkRead, (r) => handlers.markRead(r)),
    serve(subjects.chatAddMember, (r) => handlers.addMember(r)),
    serve(subjects.chatRemoveMember, (r) => handlers.removeMember(r)),
    serve(subjects.chatGetRoom, (r) => handlers.getRoom(r)),
    serve(subjects.chatListMessages, (r) => handlers.listMessages(r)),
    serve(subjects.chatListRooms, (r) => handlers.listRooms(r)),
    serve(subjects.chatRoomUpdates, (r) => handlers.roomUpdates(r)),
  ];
}
