export { NodeCommandsModule } from './node-commands.module.js';
export { NodeCommandsService } from './node-commands.service.js';
