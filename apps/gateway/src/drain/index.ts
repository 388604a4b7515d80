export { DrainModule } from './drain.module.js';
export { DrainService } from './drain.service.js';
