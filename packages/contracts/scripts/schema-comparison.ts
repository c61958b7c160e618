import { deref, lastSegment, type AsyncApiDocument, type Json } from './asyncapi-document.ts';

/** Who reads a payload: `request` = the channel's owner (others write it), `response` = the others. */
export type Role = 'request' | 'response';

/** One change that breaks deployed clients or services, with the path that names it. */
export interface BreakingChange {
  path: string;
  message: string;
}

function typesOf(schema: Json): Set<string> {
  if (schema.type === undefined) return new Set();
  return new Set(Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]);
}

/** Whether every value of `inner`'s types is allowed by `outer`'s (no type = anything). */
function typesWithin(inner: Set<string>, outer: Set<string>): boolean {
  if (outer.size === 0) return true;
  if (inner.size === 0) return false;
  return [...inner].every((t) => outer.has(t) || (t === 'integer' && outer.has('number')));
}

/** A value as JSON, for messages. */
export const show = (value: unknown): string => JSON.stringify(value);

/**
 * Compares the payload JSON Schemas of two versions of a document, collecting the changes that break deployed
 * code.
 *
 * A payload is judged by who reads it. A message the owner of a channel receives (a client event, a NATS
 * command or query) is written by others: it breaks them when it accepts less (a new required field, a
 * removed field, a narrower type, enum or bound). A message the owner sends (an event, an ack, a reply) is
 * read by others: it breaks them when it promises less (a removed field, a field no longer required, a
 * changed type, a new variant of a union). Narrowed enums and removed fields break both ways.
 */

export class SchemaComparison {
  readonly changes: BreakingChange[] = [];
  readonly #base: AsyncApiDocument;
  readonly #head: AsyncApiDocument;
  readonly #seen = new Set<string>();

  constructor(base: AsyncApiDocument, head: AsyncApiDocument) {
    this.#base = base;
    this.#head = head;
  }

  report(path: string, message: string): void {
    this.changes.push({ path, message });
  }

  compare(baseRaw: Json | undefined, headRaw: Json | undefined, role: Role, path: string): void {
    const visit = `${role}|${path}|${show(baseRaw?.$ref)}|${show(headRaw?.$ref)}`;
    if (this.#seen.has(visit)) return;
    this.#seen.add(visit);
    const base = deref(this.#base, baseRaw);
    const head = deref(this.#head, headRaw);
    if (!base) return;
    if (!head) {
      this.report(path, 'schema removed');
      return;
    }

    this.#compareTypes(base, head, role, path);
    if (base.const !== undefined || head.const !== undefined) {
      if (show(base.const) !== show(head.const))
        this.report(path, `const changed from ${show(base.const)} to ${show(head.const)}`);
    }
    this.#compareEnums(base, head, path);
    if (role === 'request') this.#compareBounds(base, head, path);
    this.#compareObjects(base, head, role, path);
    if (base.items || head.items)
      this.compare(base.items as Json | undefined, (head.items ?? {}) as Json, role, `${path}[]`);
    for (const keyword of ['oneOf', 'anyOf'] as const) this.#compareVariants(base, head, keyword, role, path);
  }

  #compareTypes(base: Json, head: Json, role: Role, path: string): void {
    const before = typesOf(base);
    const after = typesOf(head);
    // Writers of a request break when a type they send is no longer accepted; readers of a response break
    // when they may now get a type they did not expect.
    const breaks = role === 'request' ? !typesWithin(before, after) : !typesWithin(after, before);
    if (breaks) this.report(path, `type changed from ${show(base.type ?? 'any')} to ${show(head.type ?? 'any')}`);
  }

  #compareEnums(base: Json, head: Json, path: string): void {
    if (!Array.isArray(base.enum)) return;
    if (!Array.isArray(head.enum)) return;
    const kept = new Set(head.enum.map(show));
    const removed = base.enum.filter((value) => !kept.has(show(value)));
    if (removed.length > 0) this.report(path, `enum narrowed: ${removed.map(show).join(', ')} removed`);
  }

  #compareBounds(base: Json, head: Json, path: string): void {
    const upper = ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties'] as const;
    const lower = ['minLength', 'minItems', 'minimum', 'exclusiveMinimum', 'minProperties'] as const;
    for (const key of upper) {
      const before = base[key] as number | undefined;
      const after = head[key] as number | undefined;
      if (after !== undefined && (before === undefined || after < before))
        this.report(path, `${key} narrowed from ${before ?? 'none'} to ${after}`);
    }
    for (const key of lower) {
      const before = base[key] as number | undefined;
      const after = head[key] as number | undefined;
      if (after !== undefined && (before === undefined || after > before))
        this.report(path, `${key} narrowed from ${before ?? 'none'} to ${after}`);
    }
    if (head.pattern !== undefined && head.pattern !== base.pattern)
      this.report(path, `pattern changed to ${show(head.pattern)}`);
    if (head.format !== undefined && head.format !== base.format)
      this.report(path, `format changed to ${show(head.format)}`);
  }

  #compareObjects(base: Json, head: Json, role: Role, path: string): void {
    const baseProps = (base.properties ?? {}) as Record<string, Json>;
    const headProps = (head.properties ?? {}) as Record<string, Json>;
    const baseRequired = new Set((base.required ?? []) as string[]);
    const headRequired = new Set((head.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(baseProps)) {
      if (!Object.hasOwn(headProps, name)) {
        this.report(`${path}/${name}`, 'field removed');
        continue;
      }
      this.compare(schema, headProps[name], role, `${path}/${name}`);
    }
    if (role === 'request') {
      for (const name of headRequired) {
        if (baseRequired.has(name)) continue;
        this.report(`${path}/${name}`, Object.hasOwn(baseProps, name) ? 'field became required' : 'new required field');
      }
      if (head.additionalProperties === false && base.additionalProperties !== false)
        this.report(path, 'no longer accepts extra fields');
    } else {
      for (const name of baseRequired) {
        if (!headRequired.has(name) && Object.hasOwn(headProps, name))
          this.report(`${path}/${name}`, 'field no longer required');
      }
    }
  }

  /** Variants match by the schema they reference, else by position. */
  #compareVariants(base: Json, head: Json, keyword: 'oneOf' | 'anyOf', role: Role, path: string): void {
    const before = (base[keyword] ?? []) as Json[];
    const after = [...((head[keyword] ?? []) as Json[])];
    if (before.length === 0 && after.length === 0) return;
    const name = (variant: Json) => (typeof variant.$ref === 'string' ? lastSegment(variant.$ref) : undefined);
    const unmatched: Json[] = [];
    const pairs: Array<[Json, Json]> = [];
    for (const variant of before) {
      const index = after.findIndex((candidate) => name(candidate) !== undefined && name(candidate) === name(variant));
      const [match] = index >= 0 ? after.splice(index, 1) : [];
      if (match) pairs.push([variant, match]);
      else unmatched.push(variant);
    }
    // Variants left unmatched on both sides pair up in order.
    for (const counterpart of after.splice(0, unmatched.length)) {
      const variant = unmatched.shift();
      if (variant) pairs.push([variant, counterpart]);
    }
    for (const [b, h] of pairs) this.compare(b, h, role, `${path}/${keyword}(${name(b) ?? 'inline'})`);
    if (role === 'request')
      for (const variant of unmatched)
        this.report(path, `${keyword} variant ${name(variant) ?? show(variant)} removed`);
    if (role === 'response')
      for (const variant of after) this.report(path, `new ${keyword} variant ${name(variant) ?? show(variant)}`);
  }
}
