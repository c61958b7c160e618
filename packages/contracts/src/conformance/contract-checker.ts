import { asyncApiConformance, openApiConformance } from '../generated/conformance.ts';
import { validate, validateInline, type SchemaName, type ValidationResult } from '../validators.ts';

/** Which spec a finding is about. */
export type Spec = 'asyncapi' | 'openapi';

/** A frame, message or response that does not match the specs, or that the specs lack. */
export interface Violation {
  spec: Spec;
  /** What was checked: `/chat ack of sendMessage`, `NATS chat.evt.<room>`, `POST /api/chat/rooms → 201`, … */
  where: string;
  /** JSON pointer of the failing value ('/' for the whole frame). */
  path: string;
  message: string;
}

/** Where a checker reports what it saw. */
export interface ConformanceSink {
  violation(violation: Violation): void;
  /** A spec operation or message that traffic matched (a coverage unit, e.g. `sendMessage` or `/chat messageAck`). */
  exercised(spec: Spec, kind: 'operation' | 'message', unit: string): void;
}

type MessageRule = { readonly unit: string; readonly schema: string; readonly operations: readonly string[] };
type NamespaceRules = {
  readonly clientEvents: Readonly<Record<string, MessageRule & { readonly ack: MessageRule }>>;
  readonly serverEvents: Readonly<Record<string, MessageRule>>;
  readonly connectError: MessageRule;
};
type SubjectRules = {
  readonly address: string;
  readonly pattern: string;
  readonly messages: readonly MessageRule[];
  readonly reply?: MessageRule;
};
type BodyRule = { readonly mediaType: string } & ({ readonly schema: string } | { readonly inline: unknown });
type RouteRules = {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly pattern: string;
  readonly requestBody?: { readonly required: boolean } & Partial<BodyRule>;
  readonly responses: Readonly<Record<string, BodyRule | null>>;
};

const namespaces = new Map(Object.entries(asyncApiConformance.socket as Record<string, NamespaceRules>));
const subjects = (asyncApiConformance.nats as readonly SubjectRules[]).map((rules) => ({
  rules,
  pattern: new RegExp(rules.pattern),
}));
const routes = (openApiConformance.routes as readonly RouteRules[]).map((rules) => ({
  rules,
  pattern: new RegExp(rules.pattern),
}));
/** What the reply to a NATS request must be: its schema, or a refusal when the request was invalid. */
export interface PendingReply {
  readonly reply: MessageRule | undefined;
  readonly requestValid: boolean;
}
/** NATS subjects of the client library and the server themselves (reply inboxes, the JetStream API): not ours. */
const infrastructureSubject = /^(_INBOX\.|\$)/;

/** A schema that cannot be compiled is reported like a mismatch: the traffic it checks must go on. */
function guarded(check: () => ValidationResult<unknown>): ValidationResult<unknown> {
  try {
    return check();
  } catch (err) {
    return { ok: false, path: '/', message: `cannot check: ${err instanceof Error ? err.message : String(err)}` };
  }
}
const named = (name: string, data: unknown) => guarded(() => validate(name as SchemaName, data));
const checkBody = (rule: BodyRule, data: unknown): ValidationResult<unknown> =>
  'schema' in rule ? named(rule.schema, data) : guarded(() => validateInline(rule.inline, data));

/** An exchange over HTTP as a client saw it; bodies are parsed JSON (text for other media types). */
export interface RestExchange {
  method: string;
  /** Path and query, e.g. `/api/chat/messages?roomId=…`. */
  url: string;
  requestBody?: unknown;
  status: number;
  contentType: string | null;
  responseBody: unknown;
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
    const { pathname } = new URL(exchange.url, 'http://any');
    const route = routes.find(
      ({ rules, pattern }) => rules.method === exchange.method.toUpperCase() && pattern.test(pathname),
    );
    const where = `${exchange.method.toUpperCase()} ${pathname} → ${exchange.status}`;
    if (!route) {
      // A client asking for what the spec lacks must be told it is not there.
      if (exchange.status !== 404 && exchange.status !== 405)
        this.#violation('openapi', where, '/', 'route not in openapi.yaml answered other than 404/405');
      return;
    }
    const { rules } = route;
    const responses = rules.responses;
    const documented = Object.hasOwn(responses, String(exchange.status))
      ? responses[String(exchange.status)]
      : undefined;
    if (documented === undefined) {
      this.#violation(
        'openapi',
        where,
        '/',
        `status ${exchange.status} not in openapi.yaml for ${rules.operationId} ` +
          `(has ${Object.keys(responses).join(', ')})`,
      );
      return;
    }
    const requestRule = rules.requestBody;
    const requestValid =
      !requestRule?.mediaType ||
      (exchange.requestBody === undefined
        ? !requestRule.required
        : checkBody(requestRule as BodyRule, exchange.requestBody).ok);
    if (!requestValid && exchange.status < 400) {
      this.#violation('openapi', where, '/', `a request body the spec refuses was answered ${exchange.status}`);
    }
    if (documented === null) {
      if (exchange.responseBody !== undefined && exchange.responseBody !== '')
        this.#violation('openapi', where, '/', 'a body where the spec has none');
    } else if (!exchange.contentType?.startsWith(documented.mediaType)) {
      this.#violation(
        'openapi',
        where,
        '/',
        `content type ${exchange.contentType ?? 'none'}, the spec has ${documented.mediaType}`,
      );
    } else {
      const checked = checkBody(documented, exchange.responseBody);
      if (!checked.ok) this.#violation('openapi', where, checked.path, checked.message);
    }
    if (requestValid) this.#sink.exercised('openapi', 'operation', rules.operationId);
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
