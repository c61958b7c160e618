import type { RoomSummary } from '@chatrt/contracts';

/** The caller's rooms; each is a button showing its unread count (none for the open room: it is being read). */
export function RoomList(props: {
  rooms: RoomSummary[];
  selectedId: string | undefined;
  onSelect: (roomId: string) => void;
}) {
  if (props.rooms.length === 0) return <p className="muted">No rooms yet. Create one below.</p>;
  return (
    <ul className="room-list">
      {props.rooms.map((room) => {
        const open = room.id === props.selectedId;
        const unread = open ? 0 : room.unreadCount;
        return (
          <li key={room.id}>
            <button
              type="button"
              className="room"
              aria-current={open ? 'true' : undefined}
              onClick={() => {
                props.onSelect(room.id);
              }}
            >
              <span className="room-name">{room.name}</span>
              {unread > 0 && (
                <span className="count" aria-label={`${unread} unread`}>
                  {unread}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
