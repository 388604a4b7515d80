export { toJsonSchemas, type JsonSchema } from './to-json-schemas.js';
