import { MAX_TYPE_LENGTH } from './envelope.js';
import { ClientFrameType } from './frames.js';

const BUILT_IN_TYPES: ReadonlySet<string> = new Set(Object.values(ClientFrameType));

/**
 * Why `type` cannot name an application message, or undefined when it can: it must be a
 * valid frame type (1 to {@link MAX_TYPE_LENGTH} characters) that is not one of the
 * built-in client frames, whose meaning the gateway fixes (protocol §5).
 *
 * @example
 * applicationTypeError('chat.send'); // undefined
 * applicationTypeError('publish');   // 'type "publish" is a built-in frame type'
 */
export function applicationTypeError(type: string): string | undefined {
  if (type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    return `type ${JSON.stringify(type)} must have 1 to ${MAX_TYPE_LENGTH} characters`;
  }
  if (BUILT_IN_TYPES.has(type)) return `type "${type}" is a built-in frame type`;
  return undefined;
}
