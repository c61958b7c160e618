/**
 * Query strings arrive as text; digits become numbers and `true`/`false` booleans, so the contract schema
 * (which says integer / boolean) can validate them. Anything else stays text and fails validation if wrong.
 */
export function typedQuery(query: unknown): Record<string, unknown> {
  if (!query || typeof query !== 'object') return {};
  return Object.fromEntries(
    Object.entries(query as Record<string, unknown>).map(([key, value]) => {
      if (typeof value !== 'string') return [key, value];
      if (/^\d+$/.test(value)) return [key, Number(value)];
      if (value === 'true' || value === 'false') return [key, value === 'true'];
      return [key, value];
    }),
  );
}
