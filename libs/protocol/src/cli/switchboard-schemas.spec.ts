import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The built CLI, as users run it: `npm run build -w @switchboard/protocol` first.
const CLI = fileURLToPath(new URL('../../dist/esm/cli/switchboard-schemas.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'messages', 'messages.mjs');
const EXAMPLE_SCHEMAS = join(ROOT, 'examples', 'messages', 'schemas');

function run(...args: string[]) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status, stdout, stderr };
}

describe('switchboard-schemas', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build -w @switchboard/protocol`);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-schemas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the example map, matching the schemas checked in beside it', () => {
    const result = run(EXAMPLE, dir);
    expect(result).toEqual({
      status: 0,
      stdout: ['chat.send', 'chat.edit', 'chat.typing'].map((type) => `wrote ${join(dir, `${type}.json`)}\n`).join(''),
      stderr: '',
    });
    const committed = readdirSync(EXAMPLE_SCHEMAS).sort();
    expect(readdirSync(dir).sort()).toEqual(committed);
    for (const file of committed) {
      // A difference means examples/messages/schemas is stale: run `npm run schemas`.
      expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(EXAMPLE_SCHEMAS, file), 'utf8'));
    }
  });

  it('takes the default export too, and warns about files of types not in the map', () => {
    const module = join(dir, 'default-export.mjs');
    writeFileSync(module, `export { messages as default } from ${JSON.stringify(EXAMPLE)};\n`);
    const out = join(dir, 'out');
    run(EXAMPLE, out);
    writeFileSync(join(out, 'chat.old.json'), '{}');

    const result = run(module, out);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(out, 'chat.send.json')}`);
    expect(result.stderr).toBe(`warning: ${join(out, 'chat.old.json')} matches no message of the map; delete it if that type is gone\n`);
    expect(existsSync(join(out, 'chat.old.json'))).toBe(true);
  });

  it.each([
    ['exports no map', 'export const other = 1;\n', 'must export its message map as "messages" or as the default export'],
    ['maps a type to something else than a zod schema', 'export const messages = { "chat.send": { type: "object" } };\n', 'message "chat.send" is not a zod 4 schema'],
    ['fails to load', 'throw new Error("boom");\n', 'cannot import'],
  ])('fails with exit code 1 when the module %s', (_case, source, problem) => {
    const module = join(dir, 'messages.mjs');
    writeFileSync(module, source);
    const result = run(module, join(dir, 'out'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`switchboard-schemas: `);
    expect(result.stderr).toContain(problem);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('prints its usage', () => {
    expect(run()).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: switchboard-schemas <module> <outDir>') });
    expect(run('--help')).toMatchObject({ status: 0, stdout: expect.stringContaining('usage:') });
  });
});
