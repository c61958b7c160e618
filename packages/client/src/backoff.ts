/** Exponential backoff parameters (the same meaning as Socket.IO's reconnection options). */
export interface BackoffOptions {
  /** First delay, in millis (Socket.IO `reconnectionDelay`). */
  baseMs: number;
  /** Largest delay, in millis (Socket.IO `reconnectionDelayMax`). */
  maxMs: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** 0..1: the delay is spread by ± this fraction so clients do not retry in lockstep. Default 0.5. */
  randomization?: number;
}

/**
 * Delay before retry number `attempt` (0-based): baseMs · factor^attempt, spread by ± randomization,
 * capped at maxMs. With the ops doc's numbers (1 s, ×2) the attempts wait about 1, 2, 4, 5, 5 s.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const factor = options.factor ?? 2;
  const randomization = options.randomization ?? 0.5;
  const nominal = options.baseMs * Math.pow(factor, Math.max(0, attempt));
  const spread = nominal * randomization * (2 * random() - 1);
  return Math.round(Math.max(0, Math.min(options.maxMs, nominal + spread)));
}
