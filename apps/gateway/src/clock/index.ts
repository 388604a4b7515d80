export { CLOCK, systemClock, type Clock, type ClockTimer } from './clock.js';
export { ManualClock } from './manual-clock.js';
export { ClockModule } from './clock.module.js';
