import type { ChatEvents, Notification, RoomUpdate } from '@chatrt/contracts';

/** Translates a published room event into the socket event members receive, or nothing for private events. */
export function deliveryFor(event: ChatEvents): RoomUpdate | undefined {
  const { roomId, seq } = event;
  switch (event.type) {
    case 'MessageSent':
      return {
        event: 'message',
        payload: {
          id: event.data.messageId,
          roomId,
          seq,
          senderId: event.data.senderId,
          message: event.data.message,
          clientMessageId: event.data.clientMessageId,
          createdAt: event.metadata.occurredAt,
          deleted: false,
        },
      };
    case 'MessageEdited':
      return {
        event: 'messageEdited',
        payload: {
          roomId,
          seq,
          messageId: event.data.messageId,
          message: event.data.message,
          editedAt: event.metadata.occurredAt,
        },
      };
    case 'MessageDeleted':
      return {
        event: 'messageDeleted',
        payload: { roomId, seq, messageId: event.data.messageId, deletedAt: event.metadata.occurredAt },
      };
    case 'MemberAdded':
      return { event: 'memberAdded', payload: { roomId, seq, userId: event.data.userId } };
    case 'MemberRemoved':
      return { event: 'memberRemoved', payload: { roomId, seq, userId: event.data.userId } };
    case 'RoomCreated':
    case 'ReadMarkerMoved':
      return undefined;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** How a room's stream is delivered: positions are room seqs; private events produce nothing. */
export const roomStream = {
  livePosition: (event: ChatEvents) => event.seq,
  toItem: deliveryFor,
  itemPosition: (update: RoomUpdate) => update.payload.seq,
};

/** How a user's notifications are delivered: positions are the user's notification cursors. */
export const notificationStream = {
  livePosition: (notification: Notification) => notification.cursor,
  toItem: (notification: Notification) => notification,
  itemPosition: (notification: Notification) => notification.cursor,
};
