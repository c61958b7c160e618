import type { ChatEvents, Message } from '@chatrt/contracts';

/** What a joined socket receives for a room event, or nothing for events clients do not see yet. */
export type Delivery = { event: 'message'; payload: Message } | undefined;

/** Translates a published room event into the Socket.IO event the contract promises members. */
export function deliveryFor(event: ChatEvents): Delivery {
  switch (event.type) {
    case 'MessageSent':
      return {
        event: 'message',
        payload: {
          id: event.data.messageId,
          roomId: event.roomId,
          seq: event.seq,
          senderId: event.data.senderId,
          message: event.data.message,
          clientMessageId: event.data.clientMessageId,
          createdAt: event.metadata.occurredAt,
        },
      };
    case 'RoomCreated':
    case 'MemberAdded':
      return undefined;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
