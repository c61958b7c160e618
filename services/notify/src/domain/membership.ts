import type { ChatEvents } from '@chatrt/contracts';

/** How a room event changes who must be notified about that room. */
export type MembershipChange =
  | { kind: 'added'; roomId: string; userId: string }
  | { kind: 'removed'; roomId: string; userId: string }
  | { kind: 'none' };

/** The membership change an event implies; pure, so replays and redeliveries give the same answer. */
export function membershipChange(event: ChatEvents): MembershipChange {
  switch (event.type) {
    case 'MemberAdded':
      return { kind: 'added', roomId: event.roomId, userId: event.data.userId };
    case 'MemberRemoved':
      return { kind: 'removed', roomId: event.roomId, userId: event.data.userId };
    case 'RoomCreated':
    case 'MessageSent':
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReadMarkerMoved':
      return { kind: 'none' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
