import type { Message, RoomUpdate } from '@chatrt/contracts';
import type { ChatSocket } from './chat-user.ts';

/** The payload of a room update of kind `E`. */
type UpdatePayload<E extends RoomUpdate['event']> = Extract<RoomUpdate, { event: E }>['payload'];

/** Collects every room update a socket receives (one per frame or batched), in arrival order, with ways to wait. */
export class RoomInbox {
  readonly updates: RoomUpdate[] = [];
  /** Room-event frames received: one per single event, one per `roomEvents` batch. */
  frames = 0;
  /** The size of each `roomEvents` batch received, in arrival order. */
  readonly batchSizes: number[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(socket: ChatSocket) {
    const record = (...updates: RoomUpdate[]) => {
      this.frames += 1;
      this.updates.push(...updates);
      for (const wake of this.#waiters) wake();
    };
    socket.on('roomEvents', ({ events }) => {
      this.batchSizes.push(events.length);
      record(...events);
    });
    socket.on('message', (payload) => {
      record({ event: 'message', payload });
    });
    socket.on('messageEdited', (payload) => {
      record({ event: 'messageEdited', payload });
    });
    socket.on('messageDeleted', (payload) => {
      record({ event: 'messageDeleted', payload });
    });
    socket.on('memberAdded', (payload) => {
      record({ event: 'memberAdded', payload });
    });
    socket.on('memberRemoved', (payload) => {
      record({ event: 'memberRemoved', payload });
    });
  }

  /** The `message` payloads received so far. */
  get messages(): Message[] {
    return this.updates.flatMap((u) => (u.event === 'message' ? [u.payload] : []));
  }

  /** The seq of every update received so far, in arrival order. */
  get seqs(): number[] {
    return this.updates.map((u) => u.payload.seq);
  }

  /** Resolves when at least `count` messages arrived, or rejects after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 10_000): Promise<Message[]> {
    await this.waitFor(() => this.messages.length >= count, `${count} messages`, timeoutMs);
    return this.messages;
  }

  /** Resolves once an update of kind `event` arrived whose payload satisfies `matches`, or rejects after `timeoutMs`. */
  waitForUpdate<E extends RoomUpdate['event']>(
    event: E,
    matches: (payload: UpdatePayload<E>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<void> {
    // The event names the payload's type, which TypeScript cannot narrow to through a generic.
    const arrived = () => this.updates.some((u) => u.event === event && matches(u.payload as UpdatePayload<E>));
    return this.waitFor(arrived, event, timeoutMs);
  }

  /** Resolves once `done()` holds after some update arrived (or already holds), or rejects after `timeoutMs`. */
  waitFor(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`expected ${what} within ${timeoutMs} ms; have ${this.updates.length} updates`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }
}
