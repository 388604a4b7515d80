import type { ClientFrame } from '@switchboard/protocol';
import type { Connection, OutgoingFrame } from '../connections/index.js';

/**
 * A handler's answer to one frame: a frame to stamp and send, or one serialized already
 * around pre-serialized payloads. `afterSend` runs once it is on its way, so what must
 * follow the answer (publications held behind an ack) goes out after it.
 */
export type FrameReply =
  | { frame: OutgoingFrame; afterSend?: () => void }
  | { text: string; type: OutgoingFrame['type']; afterSend?: () => void };

/** Answers the frames of one type; the frame pipeline calls it once the frame is valid. */
export interface FrameHandler<F extends ClientFrame = ClientFrame> {
  /** The frame type it answers; also the `type` label of the `frames_in` metric. */
  readonly name: string;
  /**
   * True when the connection's next frame waits until this one is answered: built-in
   * frames, so that a subscribe is in place before a publish sent after it. Application
   * messages wait on a backend and run side by side.
   */
  readonly sequential: boolean;
  /** True when the frame costs no rate-limit token (a valid `ping`). */
  readonly free?: boolean;
  /**
   * Answers `frame` from `connection`.
   * @throws {FrameError} to answer with that `error` instead; anything else is `INTERNAL`.
   */
  handle(frame: F, connection: Connection): FrameReply | Promise<FrameReply>;
}
