/** One unsent message as kept durably until the server has stored it. */
export interface OutboxItem {
  /** Idempotency key of the send: the server stores one message per clientMessageId and sender. */
  clientMessageId: string;
  roomId: string;
  message: string;
  /** When it was written (ISO 8601). */
  createdAt: string;
  /** Sending order, increasing. */
  position: number;
  /** The user who wrote it (session token `sub`), so it is never sent under someone else's session. */
  ownerId: string | undefined;
}

/** Durable storage of the outbox: IndexedDB in browsers, a file or memory in Node; write your own for anything else. */
export interface OutboxStore {
  /** Every item, in any order (the outbox sorts by position). */
  load(): Promise<OutboxItem[]>;
  /** Adds or replaces the item with this clientMessageId. */
  put(item: OutboxItem): Promise<void>;
  /** Deletes the item with this clientMessageId (nothing if absent). */
  remove(clientMessageId: string): Promise<void>;
}
