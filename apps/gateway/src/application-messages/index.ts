export { ApplicationMessagesModule } from './application-messages.module.js';
export { JsonSchemaRegistry } from './json-schema-registry.js';
export { SchemaError } from './schema-error.js';
export { SCHEMA_REGISTRY, type SchemaCheck, type SchemaRegistry } from './schema-registry.js';
