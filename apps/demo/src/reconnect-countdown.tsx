import { useEffect, useState } from 'react';

/** "Reconnecting in N s" until `retryAt`; the client says nothing between its events, so this ticks on its own. */
export function ReconnectCountdown({ retryAt }: { retryAt?: number }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = retryAt === undefined ? 0 : Math.ceil((retryAt - now) / 1000);
  return <>{seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting…'}</>;
}
