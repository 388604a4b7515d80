/** A plain JSON object: not null, not an array. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why a frame's text is not a JSON object, in the codes both directions' parsers report. */
export type NotAnObject = { ok: false; code: 'INVALID_JSON' | 'INVALID_MESSAGE'; message: string };

/**
 * The first step of parsing a frame in either direction: its text as a JSON object, or the
 * failure. Never throws.
 */
export function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | NotAnObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'frame is not valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, code: 'INVALID_MESSAGE', message: 'frame must be a JSON object' };
  return { ok: true, value };
}
