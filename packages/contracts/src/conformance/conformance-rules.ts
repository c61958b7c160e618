import { asyncApiConformance, openApiConformance } from '../generated/conformance.ts';
import { validate, validateInline, type SchemaName, type ValidationResult } from '../validators.ts';

/** A message of the specs: its coverage unit, its schema, and the operations a frame of it exercises. */
export type MessageRule = { readonly unit: string; readonly schema: string; readonly operations: readonly string[] };
export type NamespaceRules = {
  readonly clientEvents: Readonly<Record<string, MessageRule & { readonly ack: MessageRule }>>;
  readonly serverEvents: Readonly<Record<string, MessageRule>>;
  readonly connectError: MessageRule;
};
export type SubjectRules = {
  readonly address: string;
  readonly pattern: string;
  readonly messages: readonly MessageRule[];
  readonly reply?: MessageRule;
};
export type BodyRule = { readonly mediaType: string } & ({ readonly schema: string } | { readonly inline: unknown });
export type RouteRules = {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly pattern: string;
  readonly requestBody?: { readonly required: boolean } & Partial<BodyRule>;
  readonly responses: Readonly<Record<string, BodyRule | null>>;
};

/** The Socket.IO rules by namespace, the NATS rules by subject pattern and the REST rules by route pattern. */
export const namespaces = new Map(Object.entries(asyncApiConformance.socket as Record<string, NamespaceRules>));
export const subjects = (asyncApiConformance.nats as readonly SubjectRules[]).map((rules) => ({
  rules,
  pattern: new RegExp(rules.pattern),
}));
export const routes = (openApiConformance.routes as readonly RouteRules[]).map((rules) => ({
  rules,
  pattern: new RegExp(rules.pattern),
}));
/** NATS subjects of the client library and the server themselves (reply inboxes, the JetStream API): not ours. */
export const infrastructureSubject = /^(_INBOX\.|\$)/;

/** A schema that cannot be compiled is reported like a mismatch: the traffic it checks must go on. */
function guarded(check: () => ValidationResult<unknown>): ValidationResult<unknown> {
  try {
    return check();
  } catch (err) {
    return { ok: false, path: '/', message: `cannot check: ${err instanceof Error ? err.message : String(err)}` };
  }
}
/** Checks data against a named schema of the specs. */
export const named = (name: string, data: unknown) => guarded(() => validate(name as SchemaName, data));
/** Checks an HTTP body against its rule: a named schema, or one inline in openapi.yaml. */
export const checkBody = (rule: BodyRule, data: unknown): ValidationResult<unknown> =>
  'schema' in rule ? named(rule.schema, data) : guarded(() => validateInline(rule.inline, data));
