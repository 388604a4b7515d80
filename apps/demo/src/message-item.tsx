import type { OptimisticItem } from '@switchboard/react';
import { toChatMessage, type ChatMessage } from './rooms.js';

interface MessageItemProps {
  item: OptimisticItem<ChatMessage>;
  me: string;
  onRetry: (key: string) => void;
  onDismiss: (key: string) => void;
}

export function MessageItem({ item, me, onRetry, onDismiss }: MessageItemProps) {
  const { from, text } = toChatMessage(item.payload);
  return (
    <li
      className={`message ${item.status}${from === me ? ' mine' : ''}`}
      data-testid="message"
      data-status={item.status}
      data-key={item.key}
    >
      <span className="from">{from}</span>
      <span className="text">{text}</span>
      {item.ts !== undefined && <time dateTime={new Date(item.ts).toISOString()}>{new Date(item.ts).toLocaleTimeString()}</time>}
      {item.status === 'pending' && <span className="mark">sending…</span>}
      {item.status === 'failed' && (
        <div className="failure">
          <span data-testid="message-error">
            {item.error?.message ?? 'not sent'}
            {item.error && ` (${item.error.code})`}
          </span>
          <button data-testid="retry" onClick={() => onRetry(item.key)}>
            Retry
          </button>
          <button data-testid="dismiss" onClick={() => onDismiss(item.key)}>
            Dismiss
          </button>
        </div>
      )}
    </li>
  );
}
