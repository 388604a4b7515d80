import { configSlice, type SliceOf } from '../config/index.js';

/** Limits the frame handlers enforce (the subscription cap). */
export const FRAME_SETTINGS = configSlice('frames', ['channels']);
export type FramesSettings = SliceOf<typeof FRAME_SETTINGS>;
