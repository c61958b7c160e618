import { subjects, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { CodedError, respond, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { ChatHandlers } from '../chat-handlers.ts';
import type { ChatMetrics } from '../metrics.ts';

/** NATS queue group: instances of the chat service share the request load. */
export const queueGroup = 'chat';

/** Answers the chat subjects with `handlers`, counting each request by outcome and timing it. */
export function startChatResponders(
  nc: NatsConnection,
  handlers: ChatHandlers,
  options: { log: Logger; metrics: ChatMetrics },
): Responder[] {
  const serve = <S extends NatsRequestSubject>(
    subject: S,
    command: string,
    handler: (request: NatsRequests[S]['request']) => Promise<NatsRequests[S]['reply']>,
  ): Responder =>
    respond(nc, subject, instrument(command, handler, options.metrics), { log: options.log, queue: queueGroup });
  return [
    serve(subjects.chatCreateRoom, 'createRoom', (r) => handlers.createRoom(r)),
    serve(subjects.chatSendMessage, 'sendMessage', (r) => handlers.sendMessage(r)),
    serve(subjects.chatEditMessage, 'editMessage', (r) => handlers.editMessage(r)),
    serve(subjects.chatDeleteMessage, 'deleteMessage', (r) => handlers.deleteMessage(r)),
    serve(subjects.chatMarkRead, 'markRead', (r) => handlers.markRead(r)),
    serve(subjects.chatAddMember, 'addMember', (r) => handlers.addMember(r)),
    serve(subjects.chatRemoveMember, 'removeMember', (r) => handlers.removeMember(r)),
    serve(subjects.chatGetRoom, 'getRoom', (r) => handlers.getRoom(r)),
    serve(subjects.chatListMessages, 'listMessages', (r) => handlers.listMessages(r)),
    serve(subjects.chatListRooms, 'listRooms', (r) => handlers.listRooms(r)),
    serve(subjects.chatRoomUpdates, 'roomUpdates', (r) => handlers.roomUpdates(r)),
  ];
}

function instrument<Req, Rep>(
  command: string,
  handler: (request: Req) => Promise<Rep>,
  metrics: ChatMetrics,
): (request: Req) => Promise<Rep> {
  return async (request) => {
    const stopTimer = metrics.requestDuration.startTimer({ command });
    let outcome = 'internal_error';
    try {
      const reply = await handler(request);
      outcome = 'ok';
      return reply;
    } catch (err) {
      if (err instanceof CodedError) outcome = err.code;
      throw err;
    } finally {
      stopTimer();
      metrics.requests.inc({ command, outcome });
    }
  };
}
