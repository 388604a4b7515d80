import { useState } from 'react';
import { ChatRoom } from './chat-room.js';
import { ConnectionBanner } from './connection-banner.js';
import { NoticeToast } from './notice-toast.js';
import { RoomList } from './room-list.js';
import { ROOMS } from './rooms.js';
import { StatsPanel } from './stats-panel.js';

export function ChatScreen({ me, onSignOut }: { me: string; onSignOut: () => void }) {
  const [room, setRoom] = useState(ROOMS[0]!);
  return (
    <div className="chat-screen">
      <header className="top-bar">
        <h1>Switchboard demo</h1>
        <span className="me">
          Signed in as <strong data-testid="me">{me}</strong>
        </span>
        <button data-testid="sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <ConnectionBanner />
      <div className="layout">
        <aside className="sidebar">
          <RoomList active={room} onSelect={setRoom} />
          <StatsPanel />
        </aside>
        <ChatRoom room={room} me={me} />
      </div>
      <NoticeToast />
    </div>
  );
}
