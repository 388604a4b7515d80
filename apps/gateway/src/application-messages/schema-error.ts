/**
 * Every problem found in `MESSAGE_SCHEMAS_DIR`, one line each, naming the file. Thrown
 * while the gateway starts: it must not serve with a schema it could not load.
 */
export class SchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid message schemas (MESSAGE_SCHEMAS_DIR):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SchemaError';
  }
}
