import type { Message } from '@chatrt/contracts';
import type { ChatClientError } from './errors.ts';

/** Where one of my messages is: shown at once (`sending`), stored (`sent`), or refused (`failed`, can be retried). */
export type MessageState = 'sending' | 'sent' | 'failed';

/** One line of a room's message list, stored or still local. */
export interface RoomMessage {
  /** Stable React key: my own messages keep their clientMessageId through sending → sent. */
  key: string;
  roomId: string;
  clientMessageId: string;
  /** Server fields, absent until the message is stored. */
  id: string | undefined;
  seq: number | undefined;
  senderId: string | undefined;
  /** Current text; absent once deleted. */
  text: string | undefined;
  createdAt: string;
  editedAt: string | undefined;
  deleted: boolean;
  state: MessageState;
  error: ChatClientError | undefined;
}

/** A message of mine not stored yet. */
export interface PendingMessage {
  clientMessageId: string;
  text: string;
  createdAt: string;
  state: 'sending' | 'failed';
  error?: ChatClientError | undefined;
}

/** A stored message as a line of the list; `local` when it was sent from here (it keeps its clientMessageId key). */
export function storedView(m: Message, local: boolean): RoomMessage {
  return {
    key: local ? m.clientMessageId : m.id,
    roomId: m.roomId,
    clientMessageId: m.clientMessageId,
    id: m.id,
    seq: m.seq,
    senderId: m.senderId,
    text: m.deleted ? undefined : m.message,
    createdAt: m.createdAt,
    editedAt: m.editedAt,
    deleted: m.deleted,
    state: 'sent',
    error: undefined,
  };
}

/** One of my messages not stored yet, as a line of the list. */
export function pendingView(p: PendingMessage, roomId: string, self: string | undefined): RoomMessage {
  return {
    key: p.clientMessageId,
    roomId,
    clientMessageId: p.clientMessageId,
    id: undefined,
    seq: undefined,
    senderId: self,
    text: p.text,
    createdAt: p.createdAt,
    editedAt: undefined,
    deleted: false,
    state: p.state,
    error: p.error,
  };
}

/** A deleted message as members see it: no text. */
export function tombstone(message: Message): Message {
  const deleted: Message = { ...message, deleted: true };
  delete deleted.message;
  return deleted;
}

/** Whether `next` is a later state of the same message than `current` (deletion, or a later edit). */
export function isLaterState(next: Message, current: Message): boolean {
  if (current.deleted) return false;
  if (next.deleted) return true;
  return (next.editedAt ?? '') > (current.editedAt ?? '');
}
