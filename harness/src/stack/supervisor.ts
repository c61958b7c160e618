/** When and how often a crashed process is started again, and when the supervisor gives up. */
export interface RestartPolicy {
  /** Wait before the first restart; each further fast crash doubles it. */
  firstDelayMs: number;
  /** The longest wait between restarts. */
  maxDelayMs: number;
  /** A process that stayed up this long counts as healthy again: the next crash restarts after `firstDelayMs`. */
  stableAfterMs: number;
  /** Crashes within `crashWindowMs` that make the supervisor give up (systemd's StartLimitBurst). */
  maxCrashes: number;
  crashWindowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  stableAfterMs: 10_000,
  maxCrashes: 5,
  crashWindowMs: 60_000,
};

/** How a supervised stack restarts what crashes, and whom it tells. */
export interface Supervision {
  policy?: Partial<RestartPolicy>;
  /** Receives one line per crash, restart and give-up. Default: stderr. */
  log?: (line: string) => void;
  /** Called once when a process crashed too often; the caller should stop the stack. */
  onGiveUp: (reason: string) => void;
}

/**
 * Restarts one process after each crash with doubling delays, and gives up after `maxCrashes` crashes
 * within `crashWindowMs`. The owner reports `crashed(reason)`; `restart` starts the process again and
 * rejects when it does not come up (which counts as another crash).
 */
export class Supervisor {
  readonly #name: string;
  readonly #policy: RestartPolicy;
  readonly #restart: () => Promise<void>;
  readonly #log: (line: string) => void;
  readonly #onGiveUp: (reason: string) => void;
  #crashTimes: number[] = [];
  #delayMs: number;
  /** When the process last came up; undefined from a crash until a restart succeeds. */
  #upSince: number | undefined = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #restarting: Promise<void> | undefined;
  #stopped = false;

  constructor(name: string, supervision: Supervision, restart: () => Promise<void>) {
    this.#name = name;
    this.#policy = { ...defaultRestartPolicy, ...supervision.policy };
    this.#restart = restart;
    this.#log =
      supervision.log ??
      ((line) => {
        console.error(line);
      });
    this.#onGiveUp = supervision.onGiveUp;
    this.#delayMs = this.#policy.firstDelayMs;
  }

  /** The process ended without being asked to. */
  crashed(reason: string): void {
    if (this.#stopped) return;
    const now = Date.now();
    // Only a process that was up long enough starts over at the first delay; a restart that failed was never up.
    if (this.#upSince !== undefined && now - this.#upSince >= this.#policy.stableAfterMs)
      this.#delayMs = this.#policy.firstDelayMs;
    this.#upSince = undefined;
    this.#crashTimes = [...this.#crashTimes.filter((at) => now - at < this.#policy.crashWindowMs), now];
    const { maxCrashes, crashWindowMs, maxDelayMs } = this.#policy;
    if (this.#crashTimes.length >= maxCrashes) {
      this.#stopped = true;
      const giveUp =
        `${this.#name} crashed ${this.#crashTimes.length} times within ${crashWindowMs / 1000} s ` +
        `(last: ${reason}); giving up`;
      this.#log(`[supervisor] !!! ${giveUp}`);
      this.#onGiveUp(giveUp);
      return;
    }
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(delayMs * 2, maxDelayMs);
    this.#log(
      `[supervisor] !!! ${this.#name} ${reason}; restarting in ${delayMs / 1000} s ` +
        `(crash ${this.#crashTimes.length} of ${maxCrashes} allowed within ${crashWindowMs / 1000} s)`,
    );
    this.#timer = setTimeout(() => {
      this.#restarting = this.#restartOnce().finally(() => {
        this.#restarting = undefined;
      });
    }, delayMs);
  }

  /** No more restarts; resolves once a restart in progress has finished (the owner then stops the process). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#restarting;
  }

  async #restartOnce(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#restart();
    } catch (err) {
      this.crashed(`did not come back: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
      return;
    }
    this.#upSince = Date.now();
    this.#log(`[supervisor] ${this.#name} is running again`);
  }
}
