import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { contractSchemas, type SchemaTypes } from './generated/schemas.ts';

export type SchemaName = keyof SchemaTypes;

/** Outcome of checking untrusted input against a contract schema. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; path: string; message: string };

// ajv-formats is CommonJS with a default export; under nodenext its default arrives one level down.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false });
addFormats(ajv);
ajv.addSchema(contractSchemas);

const compiled = new Map<SchemaName, ValidateFunction>();

/**
 * Validates `data` against the named schema from asyncapi.yaml/openapi.yaml. Throws only for a name that
 * is not a contract schema (a caller's bug), never because of `data`.
 */
export function validate<N extends SchemaName>(name: N, data: unknown): ValidationResult<SchemaTypes[N]> {
  let check = compiled.get(name);
  if (!check) {
    if (typeof name !== 'string' || !Object.hasOwn(contractSchemas.$defs, name)) {
      throw new TypeError(`no contract schema named '${name}'`);
    }
    check = ajv.compile({ $ref: `chat-contracts#/$defs/${name}` });
    compiled.set(name, check);
  }
  return outcome(check, data);
}

const compiledInline = new Map<string, ValidateFunction>();

/**
 * Validates `data` against a schema written inline in a spec (e.g. `{type: string}`), whose refs point
 * into the contract schemas as `chat-contracts#/$defs/Name`.
 */
export function validateInline(schema: unknown, data: unknown): ValidationResult<unknown> {
  const key = JSON.stringify(schema);
  let check = compiledInline.get(key);
  if (!check) {
    check = ajv.compile(schema as object);
    compiledInline.set(key, check);
  }
  return outcome(check, data);
}

function outcome<T>(check: ValidateFunction, data: unknown): ValidationResult<T> {
  if (check(data)) return { ok: true, value: data as T };
  const error = check.errors?.[0];
  const path = error?.instancePath || '/';
  const detail =
    error?.keyword === 'additionalProperties'
      ? `unknown property '${String(error.params['additionalProperty'])}'`
      : (error?.message ?? 'is invalid');
  return { ok: false, path, message: `${path} ${detail}` };
}
