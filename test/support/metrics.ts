import type { RunningGateway } from './gateway-process.js';

/** The value of an unlabelled metric from the gateway's `/metrics`, NaN when absent. */
export async function metric(gw: RunningGateway, name: string): Promise<number> {
  const text = await (await fetch(gw.http('/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}
