export { FramesModule } from './frames.module.js';
export { FrameHandlers } from './frame-handlers.js';
export { FrameError, type FrameErrorExtra } from './frame-error.js';
export type { FrameHandler, FrameReply } from './frame-handler.js';
