export type Json = { [key: string]: unknown };
export type Ref = { $ref: string };
export type Operation = { action: 'send' | 'receive'; channel: Ref; messages?: Ref[]; reply?: { messages?: Ref[] } };
/** The parts of an AsyncAPI 3 document the comparison reads. */
export type AsyncApiDocument = {
  info: { version: string };
  channels?: Record<string, { address?: string | null }>;
  operations?: Record<string, Operation>;
  components?: { messages?: Record<string, Json>; schemas?: Record<string, Json> };
};

/** The last segment of a `$ref`: the name of what it points to. */
export const lastSegment = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

function resolvePointer(doc: AsyncApiDocument, ref: string): Json | undefined {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Json)[part];
  }
  return node as Json | undefined;
}

/** Follows `$ref`s (message refs through channels included) to the object they name. */
export function deref(doc: AsyncApiDocument, value: Json | undefined): Json | undefined {
  const seen = new Set<string>();
  let node = value;
  while (node && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) return undefined;
    seen.add(node.$ref);
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

/** An operation's messages by name (the message's `name`, else its key in the document). */
export function messagesOf(doc: AsyncApiDocument, refs: Ref[] | undefined): Map<string, Json> {
  const messages = new Map<string, Json>();
  for (const ref of refs ?? []) {
    const message = deref(doc, ref);
    if (message) messages.set(typeof message.name === 'string' ? message.name : lastSegment(ref.$ref), message);
  }
  return messages;
}
