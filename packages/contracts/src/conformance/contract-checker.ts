import type { ConformanceSink, Spec } from './conformance-sink.ts';
import { infrastructureSubject, named, namespaces, subjects, type MessageRule } from './conformance-rules.ts';
import { checkRestExchange, type RestExchange } from './rest-conformance.ts';

/** What the reply to a NATS request must be: its schema, or a refusal when the request was invalid. */
export interface PendingReply {
  readonly reply: MessageRule | undefined;
  readonly requestValid: boolean;
}
/**
 * Checks live traffic against asyncapi.yaml and openapi.yaml with the generated validators, reporting every
 * mismatch and every operation and message it sees to a sink.
 *
 * What a service sends must match the specs exactly: a server event, ack, CONNECT_ERROR, NATS message or reply,
 * or REST response that the specs lack or that fails its schema is a violation. What a client sends may be
 * wrong on purpose (the suites test refusals); it must then be refused: an ack that is not a failure, or a
 * 2xx/3xx to a body the spec refuses, is the violation.
 */
export class ContractChecker {
  readonly #sink: ConformanceSink;
  /** Per connection (any key the caller chooses), the client events waiting for their ack, by packet id. */
  /** Per asked-for ack: the event, and the rule its ack must meet when the event was valid (else it must refuse). */
  readonly #pendingAcks = new Map<string, { event: string; ackRule: MessageRule | undefined }>();

  constructor(sink: ConformanceSink) {
    this.#sink = sink;
  }

  /** A client event (`args` without the ack callback); `ackId` is its packet id when it asks for an ack. */
  clientEvent(connection: string, namespace: string, event: unknown, args: readonly unknown[], ackId?: number): void {
    const rules = namespaces.get(namespace)?.clientEvents;
    const rule = typeof event === 'string' && rules && Object.hasOwn(rules, event) ? rules[event] : undefined;
    // An absent (or null) payload is read as `{}`, as the gateway reads it: `ping` needs no arguments.
    const valid = rule !== undefined && args.length <= 1 && named(rule.schema, args[0] ?? {}).ok;
    if (rule && valid) this.#exercised('asyncapi', rule);
    if (ackId !== undefined)
      this.#pendingAcks.set(`${connection} ${namespace} ${ackId}`, {
        event: String(event),
        ackRule: valid ? rule.ack : undefined,
      });
  }

  /** The gateway's ack of the client event with packet id `ackId`. */
  ack(connection: string, namespace: string, ackId: number, args: readonly unknown[]): void {
    const key = `${connection} ${namespace} ${ackId}`;
    const pending = this.#pendingAcks.get(key);
    this.#pendingAcks.delete(key);
    const where = `${namespace} ack of ${pending?.event ?? `unknown packet id ${ackId}`}`;
    if (!pending) {
      this.#violation('asyncapi', where, '/', 'an ack for no event this client sent');
      return;
    }
    if (args.length !== 1) {
      this.#violation('asyncapi', where, '/', `${args.length} ack arguments, the spec has one`);
      return;
    }
    if (!pending.ackRule) {
      const refused = named('AckFailure', args[0]);
      if (!refused.ok)
        this.#violation(
          'asyncapi',
          where,
          refused.path,
          `a frame the spec refuses was not refused: ${refused.message}`,
        );
      return;
    }
    this.#check('asyncapi', where, pending.ackRule, args[0]);
  }

  /** An event the gateway emitted to a client. */
  serverEvent(namespace: string, event: unknown, args: readonly unknown[]): void {
    const rules = namespaces.get(namespace)?.serverEvents;
    const where = `${namespace} server event ${JSON.stringify(event)}`;
    const rule = typeof event === 'string' && rules && Object.hasOwn(rules, event) ? rules[event] : undefined;
    if (!rule) {
      this.#violation('asyncapi', where, '/', 'event not in asyncapi.yaml');
      return;
    }
    if (args.length !== 1) {
      this.#violation('asyncapi', where, '/', `${args.length} arguments, the spec has one`);
      return;
    }
    this.#check('asyncapi', where, rule, args[0]);
  }

  /** The data of a CONNECT_ERROR packet refusing a handshake on a namespace of the spec. */
  connectError(namespace: string, data: unknown): void {
    const rule = namespaces.get(namespace)?.connectError;
    if (rule) this.#check('asyncapi', `${namespace} connect_error`, rule, data);
  }

  /**
   * A message a service published or sent as a request. Returns what its reply must be, for
   * {@link natsReply}; undefined for infrastructure subjects and subjects the spec lacks.
   */
  natsMessage(subject: string, data: unknown): PendingReply | undefined {
    if (infrastructureSubject.test(subject)) return undefined;
    const match = subjects.find(({ pattern }) => pattern.test(subject));
    const where = `NATS ${subject}`;
    if (!match) {
      this.#violation('asyncapi', where, '/', 'subject not in asyncapi.yaml');
      return undefined;
    }
    const { messages, reply } = match.rules;
    const fits = messages.find((rule) => named(rule.schema, data).ok);
    if (fits) this.#exercised('asyncapi', fits);
    else if (!reply) {
      const [first] = messages;
      if (!first) throw new Error(`the conformance rules of ${where} list no message`);
      // A request the spec refuses may be a test of the responder's validation: its reply must refuse it.
      const failed = named(first.schema, data) as { path: string; message: string };
      const names = messages.map((rule) => rule.schema).join(' | ');
      this.#violation(
        'asyncapi',
        where,
        failed.path,
        messages.length === 1 ? failed.message : `matches none of ${names}; as ${first.schema}: ${failed.message}`,
      );
    }
    return { reply, requestValid: fits !== undefined };
  }

  /** The reply to a request that {@link natsMessage} saw. */
  natsReply(pending: PendingReply, subject: string, data: unknown): void {
    if (!pending.reply) return;
    const where = `NATS reply on ${subject}`;
    if (pending.requestValid) {
      this.#check('asyncapi', where, pending.reply, data);
      return;
    }
    const refused = named('AckFailure', data);
    if (!refused.ok)
      this.#violation(
        'asyncapi',
        where,
        refused.path,
        `a request the spec refuses was not refused: ${refused.message}`,
      );
  }

  /** A REST request and the response to it. */
  restExchange(exchange: RestExchange): void {
    checkRestExchange(exchange, this.#sink);
  }

  #check(spec: Spec, where: string, rule: MessageRule, data: unknown): void {
    const checked = named(rule.schema, data);
    if (checked.ok) this.#exercised(spec, rule);
    else this.#violation(spec, where, checked.path, `not a ${rule.schema}: ${checked.message}`);
  }

  #exercised(spec: Spec, rule: MessageRule): void {
    this.#sink.exercised(spec, 'message', rule.unit);
    for (const operation of rule.operations) this.#sink.exercised(spec, 'operation', operation);
  }

  #violation(spec: Spec, where: string, path: string, message: string): void {
    this.#sink.violation({ spec, where, path, message });
  }
}
