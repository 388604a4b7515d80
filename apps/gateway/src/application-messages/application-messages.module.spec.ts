import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ApplicationMessagesModule } from './application-messages.module.js';
import { JsonSchemaRegistry } from './json-schema-registry.js';
import { SCHEMA_REGISTRY, type SchemaRegistry } from './schema-registry.js';

describe('ApplicationMessagesModule', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'message-schemas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const provided = async (schemasDir: string | undefined) => {
    const app = await NestFactory.createApplicationContext(ApplicationMessagesModule.forRoot(JsonSchemaRegistry.load(schemasDir)), { logger: false });
    const types = app.get<SchemaRegistry>(SCHEMA_REGISTRY).types;
    await app.close();
    return types;
  };

  it('provides the registry loaded from MESSAGE_SCHEMAS_DIR', async () => {
    writeFileSync(join(dir, 'chat.send.json'), '{"type":"object"}');
    expect(await provided(dir)).toEqual(['chat.send']);
  });

  it('provides an empty registry without MESSAGE_SCHEMAS_DIR', async () => {
    expect(await provided(undefined)).toEqual([]);
  });
});
