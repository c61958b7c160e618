import { subjects } from '@chatrt/contracts';
import { respondAll, type HandlerMetrics, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { ChatService } from '../../application/chat-service.ts';

/** NATS queue group: instances of the chat service share the request load. */
export const queueGroup = 'chat';

/** Answers the chat subjects with the use cases of `chat`; `metrics` times each request by subject and outcome. */
export function startChatResponders(
  nc: NatsConnection,
  chat: ChatService,
  options: { log: Logger; metrics: HandlerMetrics },
): Responder {
  return respondAll(
    nc,
    {
      [subjects.chatCreateRoom]: (r) => chat.createRoom(r),
      [subjects.chatSendMessage]: (r) => chat.sendMessage(r),
      [subjects.chatEditMessage]: (r) => chat.editMessage(r),
      [subjects.chatDeleteMessage]: (r) => chat.deleteMessage(r),
      [subjects.chatMarkRead]: (r) => chat.markRead(r),
      [subjects.chatAddMember]: (r) => chat.addMember(r),
      [subjects.chatRemoveMember]: (r) => chat.removeMember(r),
      [subjects.chatGetRoom]: (r) => chat.getRoom(r),
      [subjects.chatListMessages]: (r) => chat.listMessages(r),
      [subjects.chatListRooms]: (r) => chat.listRooms(r),
      [subjects.chatRoomUpdates]: (r) => chat.roomUpdates(r),
    },
    { log: options.log, queue: queueGroup, metrics: options.metrics },
  );
}
