import { RoomButton } from './room-button.js';
import { ROOMS, type Room } from './rooms.js';

export function RoomList({ active, onSelect }: { active: Room; onSelect: (room: Room) => void }) {
  return (
    <nav className="room-list" aria-label="Rooms">
      <h2>Rooms</h2>
      <ul>
        {ROOMS.map((room) => (
          <li key={room.name}>
            <RoomButton room={room} active={room === active} onSelect={onSelect} />
          </li>
        ))}
      </ul>
    </nav>
  );
}
