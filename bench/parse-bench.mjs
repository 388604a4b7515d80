// What the gateway's frame parser costs per frame, next to JSON.parse alone: how much the
// envelope checks and the MAX_JSON_DEPTH walk add. In-process, no gateway; needs
// `npm run build -w @switchboard/protocol`.
import { jsonDepthExceeds, parseClientFrame } from '../libs/protocol/dist/esm/index.js';

const frame = (payload) => JSON.stringify({ type: 'publish', id: 'p-1', channel: 'room:1', payload });
const shapes = [
  ['small chat message', frame({ text: 'hello there' }), 200_000],
  ['32 KB of objects', frame({ items: Array.from({ length: 600 }, (_, i) => ({ id: i, text: `message ${i}`, tags: ['a', 'b'] })) }), 2_000],
  ['60 KB string', frame({ blob: 'x'.repeat(60_000) }), 5_000],
  ['64 levels deep', frame(JSON.parse('['.repeat(64) + ']'.repeat(64))), 50_000],
];

const perCall = (rounds, fn) => {
  for (let i = 0; i < Math.min(rounds, 1_000); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - start) / rounds / 1_000;
};

console.log('shape'.padEnd(20), 'bytes'.padStart(7), 'JSON.parse µs'.padStart(14), 'depth walk µs'.padStart(14), 'parseClientFrame µs'.padStart(20));
for (const [name, text, rounds] of shapes) {
  const payload = JSON.parse(text).payload;
  const parse = perCall(rounds, () => JSON.parse(text));
  const walk = perCall(rounds, () => jsonDepthExceeds(payload, 64));
  const full = perCall(rounds, () => parseClientFrame(text));
  console.log(name.padEnd(20), String(text.length).padStart(7), parse.toFixed(2).padStart(14), walk.toFixed(2).padStart(14), full.toFixed(2).padStart(20));
}
