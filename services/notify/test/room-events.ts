import { randomUUID } from 'node:crypto';
import type { ChatEvents } from '@chatrt/contracts';

/** Chat events of one room with consecutive seqs, as the chat service would publish them. */
export class RoomEvents {
  readonly roomId = randomUUID();
  #seq = 0;

  /** `userId` joins the room, added by `by` (by default by themselves, as a room's creator is). */
  memberAdded(userId: string, by = userId): ChatEvents {
    return this.#event({ type: 'MemberAdded', data: { userId } }, by);
  }

  memberRemoved(userId: string): ChatEvents {
    return this.#event({ type: 'MemberRemoved', data: { userId } }, userId);
  }

  messageSent(senderId: string, message: string): ChatEvents & { type: 'MessageSent' } {
    const data = { messageId: randomUUID(), senderId, message, clientMessageId: randomUUID() };
    return this.#event({ type: 'MessageSent', data }, senderId) as ChatEvents & { type: 'MessageSent' };
  }

  messageDeleted(authorId: string, messageId: string): ChatEvents {
    return this.#event({ type: 'MessageDeleted', data: { messageId } }, authorId);
  }

  #event(body: Pick<ChatEvents, 'type' | 'data'>, actorId: string): ChatEvents {
    this.#seq += 1;
    const metadata = { eventId: randomUUID(), occurredAt: new Date().toISOString(), actorId };
    return { ...body, roomId: this.roomId, seq: this.#seq, metadata } as ChatEvents;
  }
}
