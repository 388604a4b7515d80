import type { Json } from '@switchboard/protocol';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadSchemas } from './load-schemas.js';
import type { SchemaCheck, SchemaRegistry } from './schema-registry.js';

/**
 * An ajv error as sent to clients in `details.errors`: no schema internals. A type alias,
 * not an interface, so that it is assignable to `Json`.
 */
type ReportedError = {
  instancePath: string;
  keyword: string;
  message: string;
  params: Json;
};

/** Keywords whose failing value is a property ajv names in `params`, not the object itself. */
const PROPERTY_PARAMS: Readonly<Record<string, { param: string; message: string }>> = {
  required: { param: 'missingProperty', message: 'is required' },
  additionalProperties: { param: 'additionalProperty', message: 'is not allowed' },
  unevaluatedProperties: { param: 'unevaluatedProperty', message: 'is not allowed' },
};

/**
 * The {@link SchemaRegistry} backed by the compiled JSON Schemas of `MESSAGE_SCHEMAS_DIR`.
 * A failure names the payload's failing JSON Pointer both in the message and in
 * `details.path`, e.g. `payload/items/0/text must be string` and `/items/0/text`.
 *
 * @example
 * const registry = JsonSchemaRegistry.load(config.schemasDir);
 * const check = registry.validate('chat.send', frame.payload);
 * if (!check.ok) throw new FrameError('INVALID_MESSAGE', check.message, { details: check.details });
 */
export class JsonSchemaRegistry implements SchemaRegistry {
  readonly types: string[];

  constructor(private readonly validators: ReadonlyMap<string, ValidateFunction>) {
    this.types = [...validators.keys()].sort();
  }

  /**
   * Loads the schemas of `dir`; without a folder, no type has a schema.
   * @throws {SchemaError} when a file of `dir` cannot be used.
   */
  static load(dir: string | undefined): JsonSchemaRegistry {
    return new JsonSchemaRegistry(dir === undefined ? new Map() : loadSchemas(dir));
  }

  has(type: string): boolean {
    return this.validators.has(type);
  }

  /** @throws {Error} when `type` has no schema: callers answer `UNKNOWN_TYPE` first. */
  validate(type: string, payload: Json | undefined): SchemaCheck {
    const validator = this.validators.get(type);
    if (!validator) throw new Error(`no schema is registered for type "${type}"`);
    if (validator(payload)) return { ok: true };

    const errors = validator.errors ?? [];
    // In a union every branch reports its own error; the deepest one is most often the
    // branch the client meant, and the first such error is the one ajv met first.
    const failure = errors.reduce((best, error) => (depth(error) > depth(best) ? error : best), errors[0]);
    const { path, message } = describe(failure);
    return {
      ok: false,
      message: `payload${path} ${message}`,
      details: { path, errors: errors.map(report) },
    };
  }
}

function describe(error: ErrorObject | undefined): { path: string; message: string } {
  if (!error) return { path: '', message: 'is invalid' };
  const property = PROPERTY_PARAMS[error.keyword];
  const name: unknown = property && error.params[property.param];
  if (typeof name === 'string') {
    return { path: `${error.instancePath}/${escapePointer(name)}`, message: property.message };
  }
  return { path: error.instancePath, message: error.message ?? `fails "${error.keyword}"` };
}

function depth(error: ErrorObject | undefined): number {
  return error ? error.instancePath.split('/').length : 0;
}

function report(error: ErrorObject): ReportedError {
  return {
    instancePath: error.instancePath,
    keyword: error.keyword,
    message: error.message ?? '',
    params: error.params as Json,
  };
}

/** RFC 6901: `~` and `/` inside a property name. */
function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
