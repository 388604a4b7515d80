// One SDK client in a Node process of its own (started by sdk-child.ts), so that an uncaught
// exception or an unhandled rejection the SDK lets through shows as this process dying.
// Nothing here catches on the SDK's behalf. argv[2]: JSON `{url, token, channel?, options?, random?, lateConnect?}`.
// Prints every event as a JSON line on stdout (see SdkEvent in event-log.ts); reads commands,
// one JSON line each, on stdin; closes the client when stdin ends.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { createClient, SwitchboardError } from '@switchboard/client';

const { url, token, channel, options, random, lateConnect } = JSON.parse(process.argv[2]);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** An error as a record; a hostile code of any type must not make the reporting throw. */
function describe(error) {
  let code;
  try {
    code = typeof error?.code === 'string' ? error.code : String(error?.code);
  } catch {
    code = '<unprintable>';
  }
  let name, message;
  try {
    name = error?.name;
    message = error?.message;
  } catch {
    message = '<unprintable>';
  }
  return { codeType: typeof error?.code, code, switchboardError: error instanceof SwitchboardError, recoverable: error?.recoverable, name, message };
}

const client = createClient({
  url,
  getToken: () => token,
  WebSocket,
  ...options,
  ...(random === undefined ? {} : { random: () => random }),
  ...(lateConnect ? { autoConnect: false } : {}),
});
client.on('state', ({ state, previous, reason }) => print({ event: 'state', state, previous, ...(reason ? { reason } : {}) }));
client.on('error', (error) => print({ event: 'error', ...describe(error) }));
client.on('welcome', (welcome) => print({ event: 'welcome', connectionId: welcome?.connectionId }));
client.on('retry', ({ at }) => print({ event: 'retry', at: at ?? null }));
if (channel) {
  const subscription = client.subscribe(channel);
  subscription.on('message', ({ channel, offset, epoch, payload }) => print({ event: 'message', channel, offset, epoch, payload }));
  subscription.on('reset', (position) => print({ event: 'reset', ...position }));
  subscription.on('state', (state) => print({ event: 'subscription', state }));
  subscription.on('error', (error) => print({ event: 'subscription-error', ...describe(error) }));
}

/** Runs one command; its outcome is a `reply` (or `inspect`) event with the command's `ref`. */
function run({ op, ref, type, channel, payload, timeoutMs }) {
  if (op === 'inspect') {
    const prototypeClean = Object.keys(Object.prototype).length === 0 && !('polluted' in {});
    return print({ event: 'inspect', ref, stats: client.stats(), prototypeClean });
  }
  const startedAt = Date.now();
  const call = op === 'publish' ? client.publish(channel, payload, { timeoutMs }) : client.request(type, payload, { timeoutMs });
  call.then(
    (value) => print({ event: 'reply', ref, ok: true, payload: value ?? null, elapsedMs: Date.now() - startedAt }),
    (error) => print({ event: 'reply', ref, ok: false, ...describe(error), elapsedMs: Date.now() - startedAt }),
  );
}

createInterface({ input: process.stdin })
  .on('line', (line) => run(JSON.parse(line)))
  .on('close', () => client.close());

if (lateConnect) client.connect();
