// A Node process running one SDK client that a test drives through stdin, for tests that
// must see whether what a server sends takes the user's process down (an uncaught
// exception only shows as an exit). argv[2]: the gateway's base URL. Prints every client
// `state` and `error` event, and each subscription's `state`, `error` and `message`, as a
// JSON line on stdout. Reads one JSON command per stdin line:
//   {"subscribe": channel}                  subscribes
//   {"request": type, "payload": value}     prints {"event":"reply",payload} or {"event":"rejected",code}
// Closes the client when stdin ends, and then has nothing left to wait for.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { createClient } from '@switchboard/client';

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const describe = (error) => ({ name: error.name, code: error.code, recoverable: error.recoverable, message: error.message });

const client = createClient({ url: process.argv[2], getToken: () => 'token', WebSocket, backoff: { initialMs: 20, factor: 2, maxMs: 200 } });
client.on('state', ({ state, previous }) => print({ event: 'state', state, previous }));
client.on('error', (error) => print({ event: 'error', ...describe(error) }));

function subscribe(channel) {
  const subscription = client.subscribe(channel);
  subscription.on('state', (state) => print({ event: 'subscription', channel, state }));
  subscription.on('error', (error) => print({ event: 'subscription-error', channel, ...describe(error) }));
  subscription.on('message', ({ offset, epoch, payload }) => print({ event: 'message', channel, offset, epoch, payload }));
}

function request(type, payload) {
  client.request(type, payload).then(
    (reply) => print({ event: 'reply', payload: reply }),
    (error) => print({ event: 'rejected', ...describe(error) }),
  );
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line);
  if (typeof command.subscribe === 'string') subscribe(command.subscribe);
  else if (typeof command.request === 'string') request(command.request, command.payload);
  else throw new Error(`unknown command ${line}`);
});
lines.on('close', () => client.close());
