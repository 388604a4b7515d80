import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';

const bearer = async (userId: string) => ({ headers: { authorization: `Bearer ${await signToken(userId)}` } });

describe('what clients choose stays in its own scope', () => {
  const gw = useGateway({ ...SECRET_ENV, CHANNELS_PUBLIC_PUBLISH: 'scope:*', CHANNELS_PUBLIC_SUBSCRIBE: 'scope:*' });

  it('keeps the publish idempotency keys of users whose ids contain ":" apart', async () => {
    // With keys joined by ":", "user:a:b" + "c" and "user:a" + "b:c" were the same key: the
    // second publish was acked as a duplicate of the first and never delivered.
    const { client: first } = await connect(gw.ws(), await bearer('a:b'));
    const { client: second } = await connect(gw.ws(), await bearer('a'));
    const one = await first.request({ type: 'publish', id: 'c', channel: 'scope:idem', payload: 'from a:b' });
    const two = await second.request({ type: 'publish', id: 'b:c', channel: 'scope:idem', payload: 'from a' });
    expect(one).toMatchObject({ type: 'ack', payload: { offset: 1 } });
    expect(two).toMatchObject({ type: 'ack', payload: { offset: 2 } });
    await Promise.all([first.close(), second.close()]);
    await expectServing(gw);
  });

  it('labels client-chosen close codes it does not know as "other" in the disconnection metric', async () => {
    for (const code of [3001, 3999, 4321, 4999]) {
      const { client } = await connect(gw.ws(), await bearer(`closer-${code}`));
      client.socket.close(code);
      await client.closed;
    }
    const closedAll = async () => {
      const text = await (await fetch(gw.http('/metrics'))).text();
      return text.split('\n').filter((line) => line.startsWith('switchboard_disconnections_total{'));
    };
    // The gateway counts a close once its side of the handshake is done; poll until it has.
    let lines = await closedAll();
    for (let tries = 0; tries < 50 && !lines.some((l) => l.includes('code="other"') && l.endsWith(' 4')); tries++) {
      await new Promise((resolve) => setImmediate(resolve));
      lines = await closedAll();
    }
    expect(lines).toContain('switchboard_disconnections_total{code="other"} 4');
    expect(lines.some((line) => /code="(3001|3999|4321|4999)"/.test(line))).toBe(false);
    await expectServing(gw);
  });
});
