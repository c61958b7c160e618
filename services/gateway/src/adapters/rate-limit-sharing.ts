import { subjects, validate, type GatewayUsage, type RateLimitKind, type UserUsage } from '@chatrt/contracts';
import { decodeJson, type Logger, type NatsConnection } from '@chatrt/service-kit';
import type { RateLimiter } from '../application/ports.ts';

/** Entries per `gateway.usage` message (keeps each well under NATS' payload limit). */
const entriesPerMessage = 1_000;

/** A rate limiter whose usage is shared with the other gateways, and `close()` to stop sharing. */
export interface SharedRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

/**
 * Makes a gateway's per-user limits span all gateways. The commands this gateway lets through are
 * published on `gateway.usage` (per user and kind), batched every `flushIntervalMs`; what other gateways
 * publish is charged to the same users here. Decisions stay local and instant; a user spreading a burst
 * over several gateways can exceed a limit by at most what one batch interval lets through.
 */
export function shareAcrossGateways(
  local: RateLimiter,
  deps: { nc: NatsConnection; gatewayId: string; log: Logger; flushIntervalMs: number },
): SharedRateLimiter {
  const { nc, gatewayId, log } = deps;
  /** Let-through counts by kind, then user. */
  let pending = new Map<RateLimitKind, Map<string, number>>();

  const flush = () => {
    if (pending.size === 0 || nc.isClosed()) return;
    const usage: UserUsage[] = [];
    for (const [kind, users] of pending) for (const [userId, count] of users) usage.push({ userId, kind, count });
    pending = new Map();
    for (let i = 0; i < usage.length; i += entriesPerMessage) {
      const message: GatewayUsage = { gatewayId, usage: usage.slice(i, i + entriesPerMessage) };
      nc.publish(subjects.gatewayUsage, JSON.stringify(message));
    }
  };
  const timer = setInterval(flush, deps.flushIntervalMs);
  timer.unref();

  const subscription = nc.subscribe(subjects.gatewayUsage, {
    callback: (err, msg) => {
      if (err) {
        log.error({ err }, 'gateway.usage subscription failed');
        return;
      }
      const checked = validate('GatewayUsage', decodeJson(msg));
      if (!checked.ok) {
        log.warn({ error: checked.message }, 'invalid gateway.usage message dropped');
        return;
      }
      if (checked.value.gatewayId === gatewayId) return;
      for (const { userId, kind, count } of checked.value.usage) local.charge(userId, kind, count);
    },
  });

  return {
    consume(userId, kind) {
      const decision = local.consume(userId, kind);
      if (decision.allowed) {
        const users = pending.get(kind) ?? new Map<string, number>();
        users.set(userId, (users.get(userId) ?? 0) + 1);
        pending.set(kind, users);
      }
      return decision;
    },
    charge: (userId, kind, count) => {
      local.charge(userId, kind, count);
    },
    async close() {
      clearInterval(timer);
      flush();
      if (!subscription.isClosed()) await subscription.drain();
    },
  };
}
