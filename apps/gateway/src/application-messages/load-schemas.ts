import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applicationTypeError } from '@switchboard/protocol';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { SchemaError } from './schema-error.js';

/**
 * Strict mode catches typos and unknown keywords, which would otherwise be ignored and let
 * everything through. Three of its checks are relaxed because zod's own output trips them:
 * `type: ["string","number"]` (allowUnionTypes), tuples with a rest element (strictTuples)
 * and records keyed by an enum, whose `required` names no `properties` (strictRequired).
 */
const AJV_OPTIONS: Options = {
  strict: true,
  allowUnionTypes: true,
  strictTuples: false,
  strictRequired: false,
  allErrors: false,
};

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads and compiles every `<type>.json` in `dir`, synchronously, once at start; other
 * files are ignored. A schema is draft 2020-12 (what `z.toJSONSchema` emits) unless its
 * `$schema` says draft-07. String formats (`email`, `uri`, `date-time`…) come from ajv-formats.
 *
 * @returns a validator per message type.
 * @throws {SchemaError} listing every file that cannot be used and why: unreadable, not
 * JSON, not a compilable schema, or named after a type that cannot be an application message.
 */
export function loadSchemas(dir: string): Map<string, ValidateFunction> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    throw new SchemaError([`${dir}: cannot read the folder (${errorText(error)})`]);
  }
  if (!isDirectory) throw new SchemaError([`${dir}: not a folder`]);

  const compilers = new Map<string, Ajv>([
    [DRAFT_2020_12, withFormats(new Ajv2020(AJV_OPTIONS))],
    [DRAFT_07, withFormats(new Ajv(AJV_OPTIONS))],
  ]);
  const validators = new Map<string, ValidateFunction>();
  const problems: string[] = [];
  const names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  for (const name of names) {
    const file = join(dir, name);
    const type = name.slice(0, -'.json'.length);
    const typeProblem = applicationTypeError(type);
    if (typeProblem) {
      problems.push(`${file}: ${typeProblem}`);
      continue;
    }
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${error instanceof SyntaxError ? 'invalid JSON' : 'cannot read the file'} (${errorText(error)})`);
      continue;
    }
    const draft = isRecord(schema) && typeof schema.$schema === 'string' ? schema.$schema.replace(/#$/, '') : DRAFT_2020_12;
    const ajv = compilers.get(draft);
    if (!ajv) {
      problems.push(`${file}: unsupported $schema ${JSON.stringify(draft)}; use ${DRAFT_2020_12} or ${DRAFT_07}#`);
      continue;
    }
    try {
      validators.set(type, ajv.compile(schema as object | boolean));
    } catch (error) {
      problems.push(`${file}: not a valid JSON Schema (${errorText(error)})`);
    }
  }
  if (problems.length > 0) throw new SchemaError(problems);
  return validators;
}

function withFormats<T extends Ajv>(ajv: T): T {
  ajvFormats.default(ajv);
  return ajv;
}

function errorText(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message ?? error);
}
