import { useState } from 'react';
import type { Room } from './rooms.js';

export function Composer({ room, onSend }: { room: Room; onSend: (text: string) => void }) {
  const [draft, setDraft] = useState('');
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        const text = draft.trim();
        if (text === '') return;
        onSend(text);
        setDraft('');
      }}
    >
      <input
        data-testid="composer-input"
        aria-label={`Message #${room.name}`}
        placeholder={`Message #${room.name}`}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        maxLength={2000}
        autoComplete="off"
      />
      <button data-testid="send" type="submit">
        Send
      </button>
    </form>
  );
}
