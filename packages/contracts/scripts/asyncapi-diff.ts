/**
 * The AsyncAPI half of the breaking-change gate: compares two versions of asyncapi.yaml operation by operation
 * and message by message. `asyncapi diff` (and @asyncapi/diff under it) calls payload changes "unclassified",
 * so a removed required field would pass it; this comparison reads the payload JSON Schemas instead.
 */

import { messagesOf, type AsyncApiDocument, type Json } from './asyncapi-document.ts';
import { SchemaComparison, show, type BreakingChange, type Role } from './schema-comparison.ts';

export type { AsyncApiDocument } from './asyncapi-document.ts';
export type { BreakingChange } from './schema-comparison.ts';

/** Every change from `base` to `head` that breaks a deployed client or service, each naming its path. */
export function compareAsyncApi(base: AsyncApiDocument, head: AsyncApiDocument): BreakingChange[] {
  const comparison = new SchemaComparison(base, head);
  for (const [key, channel] of Object.entries(base.channels ?? {})) {
    const after = head.channels?.[key];
    if (!after) comparison.report(`channels.${key}`, `channel ${show(channel.address)} removed`);
    else if (after.address !== channel.address)
      comparison.report(`channels.${key}`, `address changed from ${show(channel.address)} to ${show(after.address)}`);
  }
  for (const [id, operation] of Object.entries(base.operations ?? {})) {
    const after = head.operations?.[id];
    const path = `operations.${id}`;
    if (!after) {
      comparison.report(path, 'operation removed');
      continue;
    }
    if (after.action !== operation.action)
      comparison.report(path, `action changed from ${operation.action} to ${after.action}`);
    if (after.channel.$ref !== operation.channel.$ref)
      comparison.report(path, `moved from ${operation.channel.$ref} to ${after.channel.$ref}`);
    const role: Role = operation.action === 'receive' ? 'request' : 'response';
    compareMessages(
      comparison,
      messagesOf(base, operation.messages),
      messagesOf(head, after.messages),
      role,
      `${path}.messages`,
    );
    if (operation.reply) {
      if (!after.reply) comparison.report(`${path}.reply`, 'reply removed');
      else
        compareMessages(
          comparison,
          messagesOf(base, operation.reply.messages),
          messagesOf(head, after.reply.messages),
          'response',
          `${path}.reply`,
        );
    }
  }
  return comparison.changes;
}

function compareMessages(
  comparison: SchemaComparison,
  base: Map<string, Json>,
  head: Map<string, Json>,
  role: Role,
  path: string,
): void {
  for (const [name, message] of base) {
    const after = head.get(name);
    if (!after) {
      comparison.report(`${path}.${name}`, 'message removed');
      continue;
    }
    comparison.compare(
      message.payload as Json | undefined,
      (after.payload ?? {}) as Json,
      role,
      `${path}.${name}.payload`,
    );
  }
}

/** The major of a semver version, for "a bumped major exempts the breaking changes". */
export function majorVersion(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? Number.NaN);
}
