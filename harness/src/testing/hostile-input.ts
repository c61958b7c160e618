/**
 * Inputs a hostile or broken client sends, for fuzz tests of the public edge. Every value here is invalid
 * wherever the contract expects a field (no id, text, seq, cursor or flag accepts it), so a payload with one
 * of them in place of a valid field must be refused.
 */

/** An object nested `depth` levels deep (`{a:{a:…}}`). */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** An array nested `depth` levels deep (`[[…]]`). */
export function deeplyNestedArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Text Postgres refuses or would change: NUL, lone UTF-16 surrogates, a surrogate pair the wrong way round. */
export const hostileStrings = ['nul\u0000inside', '\u0000', 'lone \uD800 high', 'lone \uDFFF low', '\uDC00\uD800'];

/** Values no contract field accepts. */
export const hostileValues: readonly unknown[] = [
  ...hostileStrings,
  'x'.repeat(20_000),
  '',
  2 ** 63,
  -(2 ** 63),
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0.5,
  -0.5,
  1e308,
  null,
  [1, 'a'],
  {},
  deeplyNested(2000),
  deeplyNestedArray(2000),
];

/** Payloads that are no object at all (a missing payload is sent separately). */
export const nonObjectPayloads: readonly unknown[] = [
  0,
  -1,
  2 ** 63,
  1.5,
  true,
  'text',
  '',
  [],
  [{}],
  deeplyNestedArray(2000),
];

/**
 * Variants of a valid payload that must all be refused: each field in turn replaced by every hostile value,
 * an unknown property, and properties named after the prototype chain (parsed from JSON, so they are own
 * properties as they would be on the server).
 */
export function spoiled(valid: Record<string, unknown>): Array<Record<string, unknown>> {
  const variants: Array<Record<string, unknown>> = [];
  for (const field of Object.keys(valid)) {
    for (const value of hostileValues) variants.push({ ...valid, [field]: value });
  }
  variants.push({ ...valid, extra: 1 });
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    variants.push({ ...valid, ...(JSON.parse(`{"${key}":{"polluted":true}}`) as Record<string, unknown>) });
  }
  return variants;
}

/** Event names a client may send that no namespace serves; socket.io's reserved names are refused by its parser. */
export function hostileEventNames(): string[] {
  return [
    ...Object.getOwnPropertyNames(Object.prototype),
    '__proto__',
    'prototype',
    '',
    ' ',
    'x'.repeat(10_000),
    'sendMessage\u0000',
    '\uD800',
    '💥',
    'SENDMESSAGE',
  ];
}
