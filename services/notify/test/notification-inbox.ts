import { subjects, validate, type Notification } from '@chatrt/contracts';
import type { Subscription } from '@nats-io/transport-node';
import type { NatsConnection } from '@chatrt/service-kit';

/** A user's live notifications (`notify.evt.<userId>`), checked against the contract as they arrive. */
export class Inbox {
  readonly received: Notification[] = [];
  readonly #sub: Subscription;
  readonly #waiters = new Set<() => void>();
  #invalid: Error | undefined;

  constructor(nc: NatsConnection, userId: string) {
    this.#sub = nc.subscribe(subjects.notifyEvents(userId), {
      callback: (_err, msg) => {
        const checked = validate('Notification', msg.json());
        if (checked.ok) this.received.push(checked.value);
        else this.#invalid ??= new Error(`live notification breaks the contract: ${checked.message}`);
        for (const wake of this.#waiters) wake();
      },
    });
  }

  /** Resolves with everything received once `done` holds for it; rejects after `timeoutMs`. */
  until(done: (received: Notification[]) => boolean, timeoutMs = 10_000): Promise<Notification[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.#invalid && !done(this.received)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (this.#invalid) reject(this.#invalid);
        else resolve(this.received);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`live notifications not as expected after ${timeoutMs} ms: ${JSON.stringify(this.received)}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  close(): void {
    this.#sub.unsubscribe();
  }
}
