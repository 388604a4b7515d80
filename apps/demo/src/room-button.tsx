import { useChannel } from '@switchboard/react';
import { useState } from 'react';
import { channelOf, ROOM_HISTORY, type Room } from './rooms.js';

export function RoomButton({ room, active, onSelect }: { room: Room; active: boolean; onSelect: (room: Room) => void }) {
  const [unread, setUnread] = useState(0);
  // Keeps every room subscribed while signed in, not only the one shown: a subscribe brings
  // no history, so a room joined only when opened would look empty.
  useChannel(channelOf(room), {
    limit: ROOM_HISTORY,
    onMessage: () => {
      if (!active) setUnread((count) => count + 1);
    },
  });
  return (
    <button
      className="room-button"
      data-testid={`room-${room.name}`}
      aria-current={active}
      onClick={() => {
        setUnread(0);
        onSelect(room);
      }}
    >
      <span className="room-name"># {room.name}</span>
      {room.readOnly && <span className="read-only">read-only</span>}
      {unread > 0 && <span className="unread">{unread}</span>}
    </button>
  );
}
