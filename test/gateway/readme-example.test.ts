import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useGateway } from '../support/gateway-resource.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The README's example, saved where it can import `ws` as a user's project would. */
function readmeExample(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('README has no js example');
  return code;
}

describe('README quick start', () => {
  const gw = useGateway({});

  it('the ten-line example connects in development mode and gets welcome and pong', async () => {
    const code = readmeExample();
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
    const file = `${root}readme-example.test-run.mjs`;
    writeFileSync(file, code);
    try {
      const child = spawn(process.execPath, [file], { env: { ...process.env, GATEWAY_URL: gw.http('') }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("type: 'pong'")) child.kill();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill(), 15_000);
      await once(child, 'close');
      clearTimeout(timer);
      expect(output).toContain("type: 'welcome'");
      expect(output).toContain("userId: 'alice'");
      expect(output).toContain("type: 'pong', id: '1'");
    } finally {
      rmSync(file, { force: true });
    }
  });
});
