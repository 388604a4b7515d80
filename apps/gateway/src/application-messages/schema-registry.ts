import type { Json } from '@switchboard/protocol';

/** The outcome of checking a payload against its type's JSON Schema. */
export type SchemaCheck = { ok: true } | { ok: false; message: string; details: Json };

/** JSON Schemas of the application message types, loaded once at start. */
export interface SchemaRegistry {
  /** True when a schema is registered for `type`. */
  has(type: string): boolean;
  /** Checks `payload`; a failure names the failing path in `details`. */
  validate(type: string, payload: Json | undefined): SchemaCheck;
  /** The registered types, sorted. */
  readonly types: string[];
}

/** Nest injection token of the {@link SchemaRegistry}. */
export const SCHEMA_REGISTRY = Symbol('SCHEMA_REGISTRY');
