/**
 * Query strings arrive as text; digits become numbers and `true`/`false` booleans, so the contract schema
 * (which says integer / boolean) can validate them. Anything else stays text and fails validation if wrong.
 * The result has no prototype: a parameter named `__proto__` or `toString` is just an unknown parameter.
 */
export function typedQuery(query: unknown): Record<string, unknown> {
  const typed = Object.create(null) as Record<string, unknown>;
  if (!query || typeof query !== 'object') return typed;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) typed[key] = typedValue(value);
  return typed;
}

function typedValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}
