import { contractSchemas, type SchemaName } from '@chatrt/contracts';

type JsonSchema = {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  maxItems?: number;
  format?: string;
  enum?: unknown[];
  const?: unknown;
};

const defs = contractSchemas.$defs as unknown as Record<string, JsonSchema>;

/** A schema with its top-level `$ref`s followed (`#/$defs/Name`). */
function resolved(schema: JsonSchema): JsonSchema {
  let current = schema;
  while (current.$ref) current = definition(current.$ref.slice(current.$ref.lastIndexOf('/') + 1));
  return current;
}

function definition(name: string): JsonSchema {
  const schema = defs[name];
  if (schema === undefined) throw new Error(`no schema ${name} in the contract's $defs`);
  return schema;
}

/** Values of every JSON type but `type`. */
function wrongTypes(type: string | undefined): unknown[] {
  const all: Record<string, unknown> = {
    string: 'text',
    integer: 7,
    number: 1.5,
    boolean: true,
    object: { a: 1 },
    array: [1],
    null: null,
  };
  return Object.entries(all)
    .filter(([name]) => name !== type && !(type === 'number' && name === 'integer'))
    .map(([, value]) => value);
}

/** Values just past (and far past) each bound the property's schema declares. */
function pastBounds(schema: JsonSchema): unknown[] {
  const values: unknown[] = [];
  // The far value stays under the gateway's 64 KiB frame limit (a larger frame closes the connection, tested apart).
  if (schema.maxLength !== undefined)
    values.push('x'.repeat(schema.maxLength + 1), 'x'.repeat(Math.max(schema.maxLength + 2, 30_000)));
  if (schema.minLength !== undefined && schema.minLength > 0) values.push('x'.repeat(schema.minLength - 1));
  if (schema.maximum !== undefined) values.push(schema.maximum + 1);
  if (schema.minimum !== undefined) values.push(schema.minimum - 1);
  if (schema.type === 'integer') values.push(0.5, 2 ** 53, -(2 ** 53));
  if (schema.maxItems !== undefined) values.push(Array.from({ length: schema.maxItems + 1 }, () => null));
  if (schema.format === 'uuid') values.push('not-a-uuid', '00000000-0000-0000-0000-00000000000g');
  if (schema.enum) values.push('NOT_IN_THE_ENUM');
  if (schema.const !== undefined) values.push(typeof schema.const === 'boolean' ? !schema.const : null);
  return values;
}

/**
 * Payloads derived from a contract schema that it must refuse, each with the JSON pointer a refusal should
 * name: every property of a wrong type or past its bounds, every required property missing, and an unknown
 * one. `valid` is a payload the schema accepts; each variant changes one thing in it.
 */
export function schemaViolations(
  name: SchemaName,
  valid: Record<string, unknown>,
): Array<{ payload: unknown; path: string }> {
  const schema = resolved(definition(name));
  const cases: Array<{ payload: unknown; path: string }> = [];
  for (const [property, raw] of Object.entries(schema.properties ?? {})) {
    const propertySchema = resolved(raw);
    for (const value of [...wrongTypes(propertySchema.type), ...pastBounds(propertySchema)]) {
      cases.push({ payload: { ...valid, [property]: value }, path: `/${property}` });
    }
  }
  for (const property of schema.required ?? []) {
    const rest = Object.fromEntries(Object.entries(valid).filter(([key]) => key !== property));
    cases.push({ payload: rest, path: '/' });
  }
  cases.push({ payload: { ...valid, notInTheSpec: 1 }, path: '/' });
  return cases;
}
