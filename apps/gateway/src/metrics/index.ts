export { MetricsModule } from './metrics.module.js';
export { MetricsService } from './metrics.service.js';
export { closeCodeLabel } from './close-code-label.js';
