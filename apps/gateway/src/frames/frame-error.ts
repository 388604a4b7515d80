import { isRecoverable, type ErrorCode, type ErrorFrame, type Json } from '@switchboard/protocol';
import type { OutgoingFrame } from '../connections/index.js';

/** What an `error` frame carries beside its code and message. */
export interface FrameErrorExtra {
  retryAfterMs?: number;
  details?: Json;
}

/**
 * Why a frame is answered with an `error` instead of an ack. Frame handlers throw it; the
 * frame pipeline turns it into the one `error` frame it sends, echoing the frame's id.
 * The code is a protocol code, or one a backend chose (protocol §5 allows new codes).
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly extra: FrameErrorExtra = {},
  ) {
    super(message);
  }

  /** The `error` frame answering the frame `id`; `recoverable` comes from the protocol's table. */
  toFrame(id?: string): OutgoingFrame {
    // A code a backend chose is not in the table: the backend said no, so retrying will not help.
    const recoverable = isRecoverable(this.code);
    const frame: Omit<ErrorFrame, 'ts'> = {
      type: 'error',
      ...(id === undefined ? {} : { id }),
      payload: { code: this.code, message: this.message, recoverable, ...this.extra },
    };
    return frame;
  }
}
