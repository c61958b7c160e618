import { subjects, validate, type GatewaySends } from '@chatrt/contracts';
import { decodeJson, type Logger, type NatsConnection } from '@chatrt/service-kit';
import type { SendRateLimiter } from './rate-limiter.ts';

/** Users per `gateway.sends` message (keeps each well under NATS' payload limit). */
const usersPerMessage = 1_000;

/** A rate limiter whose sends are shared with the other gateways, and `close()` to stop sharing. */
export interface SharedSendRateLimiter extends SendRateLimiter {
  close(): Promise<void>;
}

/**
 * Makes a gateway's per-user send limit span all gateways. The sends this gateway lets through are
 * published on `gateway.sends`, batched every `flushIntervalMs`; the sends other gateways publish are
 * charged to the same users here. Decisions stay local and instant; a user spreading a burst over
 * several gateways can exceed the limit by at most what one batch interval lets through.
 */
export function shareAcrossGateways(
  local: SendRateLimiter,
  deps: { nc: NatsConnection; gatewayId: string; log: Logger; flushIntervalMs: number },
): SharedSendRateLimiter {
  const { nc, gatewayId, log } = deps;
  let pending = new Map<string, number>();

  const flush = () => {
    if (pending.size === 0 || nc.isClosed()) return;
    const sends = [...pending].map(([userId, count]) => ({ userId, count }));
    pending = new Map();
    for (let i = 0; i < sends.length; i += usersPerMessage) {
      const message: GatewaySends = { gatewayId, sends: sends.slice(i, i + usersPerMessage) };
      nc.publish(subjects.gatewaySends, JSON.stringify(message));
    }
  };
  const timer = setInterval(flush, deps.flushIntervalMs);
  timer.unref();

  const subscription = nc.subscribe(subjects.gatewaySends, {
    callback: (err, msg) => {
      if (err) return log.error({ err }, 'gateway.sends subscription failed');
      const checked = validate('GatewaySends', decodeJson(msg));
      if (!checked.ok) return log.warn({ error: checked.message }, 'invalid gateway.sends message dropped');
      if (checked.value.gatewayId === gatewayId) return;
      for (const { userId, count } of checked.value.sends) {
        local.charge(userId, count).catch((chargeErr: unknown) => log.error({ err: chargeErr, userId }, 'could not charge sends from another gateway'));
      }
    },
  });

  return {
    async consume(userId) {
      const decision = await local.consume(userId);
      if (decision.allowed) pending.set(userId, (pending.get(userId) ?? 0) + 1);
      return decision;
    },
    charge: (userId, count) => local.charge(userId, count),
    async close() {
      clearInterval(timer);
      flush();
      if (!subscription.isClosed()) await subscription.drain();
    },
  };
}
