import { useConnectionStats } from '@switchboard/react';

export function StatsPanel() {
  const stats = useConnectionStats(500);
  const rows: Array<[key: string, label: string, value: string | number]> = [
    // Measured by pings: one when a connection opens, then heartbeats while it is idle.
    ['rtt', 'Round trip', stats.lastRttMs === undefined ? '—' : `${Math.round(stats.lastRttMs)} ms`],
    ['reconnects', 'Reconnects', stats.reconnects],
    ['queued', 'Queued frames', stats.queuedFrames],
    ['sent', 'Frames sent', stats.framesSent],
    ['received', 'Frames received', stats.framesReceived],
    ['state', 'State', stats.state],
  ];
  return (
    <section className="stats" data-testid="stats">
      <h2>Connection</h2>
      <dl>
        {rows.map(([key, label, value]) => (
          <div key={key} data-stat={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
