// A Node process running one SDK client, for tests that must see whether something the
// network does takes the user's process down (an unhandled 'error' only shows as an exit).
// argv[2]: JSON client options (`url`, `connectTimeoutMs`, `backoff`...). Backoff has no
// jitter, so the test knows each delay. Prints every `state` and `error` event as a JSON
// line on stdout; closes the client when stdin ends, and then has nothing left to wait for.
import WebSocket from 'ws';
import { createClient } from '@switchboard/client';

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = createClient({
  ...JSON.parse(process.argv[2]),
  getToken: () => 'token',
  WebSocket,
  random: () => 1,
  autoConnect: false,
});
client.on('state', ({ state, previous, reason }) => print({ event: 'state', state, previous, ...(reason ? { reason } : {}) }));
client.on('error', (error) => print({ event: 'error', name: error.name, code: error.code, recoverable: error.recoverable, message: error.message }));

process.stdin.on('end', () => client.close());
process.stdin.resume();
client.connect();
