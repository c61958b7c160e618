import type { NatsConnection, Payload } from '@nats-io/transport-node';
import { checkerFromEnv } from '@chatrt/contracts/conformance';
import type { Logger } from './logger.ts';

/**
 * When `CONTRACT_CHECK=strict` (the test suites set it), checks every message this connection publishes or
 * sends as a request, and every reply it gets, against asyncapi.yaml: a subject the spec lacks, a payload or
 * reply that fails its schema, or an invalid request that was not refused is logged and recorded as a violation
 * (see `@chatrt/contracts/conformance`), which fails the test run. Every service checks what it sends, so every
 * message between services is checked once.
 * Off, the connection is left untouched.
 */
export function checkContract(nc: NatsConnection, log: Logger, env: NodeJS.ProcessEnv = process.env): NatsConnection {
  const checker = checkerFromEnv(env, (violation) => {
    log.error({ violation }, 'contract violation');
  });
  if (!checker) return nc;
  const publish = nc.publish.bind(nc);
  const request = nc.request.bind(nc);
  nc.publish = (subject, payload, options) => {
    checker.natsMessage(subject, decodePayload(payload));
    publish(subject, payload, options);
  };
  // JetStream publishes are requests too (their reply is the stream's ack), so the relay's events are checked here.
  nc.request = async (subject, payload, options) => {
    const pending = checker.natsMessage(subject, decodePayload(payload));
    const reply = await request(subject, payload, options);
    if (pending) checker.natsReply(pending, subject, decodePayload(reply.data));
    return reply;
  };
  return nc;
}

const utf8 = new TextDecoder();

/** The JSON a payload holds, or undefined when it holds none (which no schema of the spec accepts). */
function decodePayload(payload: Payload | undefined): unknown {
  if (payload === undefined) return undefined;
  try {
    return JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload)) as unknown;
  } catch {
    return undefined;
  }
}
