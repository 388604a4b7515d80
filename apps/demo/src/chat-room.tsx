import { useOptimisticChannel } from '@switchboard/react';
import { useLayoutEffect, useRef } from 'react';
import { Composer } from './composer.js';
import { MessageItem } from './message-item.js';
import { ResetNote } from './reset-note.js';
import { channelOf, ROOM_HISTORY, type ChatMessage, type Room } from './rooms.js';

export function ChatRoom({ room, me }: { room: Room; me: string }) {
  const { items, status, error, reset, publish, retry, dismiss } = useOptimisticChannel<ChatMessage>(channelOf(room), { limit: ROOM_HISTORY });
  const list = useRef<HTMLOListElement>(null);
  // Before paint, so a new message never shows for a frame above the fold.
  useLayoutEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [items]);

  return (
    <section className="chat-room" aria-label={`Room ${room.name}`}>
      <header className="room-header">
        <h2 data-testid="active-room"># {room.name}</h2>
        {room.readOnly && <span className="read-only">read-only: your messages here are refused</span>}
        {/* Seen while (re)subscribing after a reconnect, or when the gateway refused the room. */}
        {status !== 'subscribed' && (
          <span className="subscription" data-testid="subscription-status">
            {status}
            {error && `: ${error.message}`}
          </span>
        )}
      </header>
      {reset && <ResetNote at={reset.at} />}
      {items.length === 0 && <p className="empty">No messages yet. Say hello!</p>}
      <ol className="messages" ref={list}>
        {items.map((item) => (
          <MessageItem key={item.key} item={item} me={me} onRetry={retry} onDismiss={dismiss} />
        ))}
      </ol>
      <Composer room={room} onSend={(text) => publish({ from: me, text })} />
    </section>
  );
}
