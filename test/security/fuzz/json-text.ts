/** JSON object text from already-encoded values, so a field can repeat, be malformed or come in any order. */
export const raw = (fields: Array<[string, string]>) => `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
/** A value as JSON text: short enough to read inline among the fields of {@link raw}. */
export const str = (v: unknown) => JSON.stringify(v);
