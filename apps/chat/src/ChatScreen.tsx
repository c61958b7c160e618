import { useEffect, useRef, useState } from 'react';
import type { Notification } from '@chatrt/contracts';
import { useNotifications, useSockets } from '@chatrt/client/react';
import type { AccountApi } from './account.ts';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import { CreateRoomForm } from './components/CreateRoomForm.tsx';
import { NotificationBell } from './components/NotificationBell.tsx';
import { RoomList } from './components/RoomList.tsx';
import { connectionState } from './connection-state.ts';
import { errorText } from './error-text.ts';
import { useKnownNames } from './hooks/use-known-names.ts';
import { useRoomRoute } from './hooks/use-room-route.ts';
import { useRooms } from './hooks/use-rooms.ts';
import { RoomView } from './RoomView.tsx';
import type { UserNames } from './user-names.ts';

/** The signed-in page: top bar (connection, bell), room list and new-room form, the open room. */
export function ChatScreen(props: {
  account: AccountApi;
  names: UserNames;
  selfId: string;
  onLogOut: () => Promise<void>;
}) {
  const { client, status, markNotificationsRead } = useSockets();
  const [roomId, openRoom] = useRoomRoute();
  const { rooms, error: roomsError, refresh } = useRooms(client);
  const notifications = useNotifications();
  const [alert, setAlert] = useState<string>();

  useEffect(() => {
    // A refused message shows its error on itself, a refused room in the room view; the countdown shows rate
    // limits; anything else gets a line. The client reports those both ways in one go, so the check waits for both.
    const shownInline = new WeakSet<Error>();
    const offState = client.on('messageState', (m) => {
      if (m.error) shownInline.add(m.error);
    });
    const offRoom = client.on('roomRefused', (_roomId, err) => shownInline.add(err));
    const offError = client.on('error', (err) => {
      queueMicrotask(() => {
        if (err.code !== 'RATE_LIMITED' && !shownInline.has(err)) setAlert(errorText(err));
      });
    });
    return () => {
      offState();
      offRoom();
      offError();
    };
  }, [client]);

  // Notifications about the open room are read by reading the room.
  const marking = useRef(new Set<string>());
  useEffect(() => {
    const ids = notifications.notifications
      .filter((n) => !n.read && n.roomId === roomId && !marking.current.has(n.id))
      .map((n) => n.id);
    if (ids.length === 0) return;
    for (const id of ids) marking.current.add(id);
    // A failed mark is not lost: the notifications stay unread in the bell, and are marked again when the list next
    // changes or the room is opened again.
    markNotificationsRead(ids)
      .catch(() => undefined)
      .finally(() => {
        for (const id of ids) marking.current.delete(id);
      });
  }, [notifications, roomId, markNotificationsRead]);

  const roomName = (id: string) => rooms.find((r) => r.id === id)?.name ?? 'a room';
  useKnownNames(
    notifications.notifications.flatMap((n) => (n.actorId ? [n.actorId] : [])),
    props.account,
    props.names,
  );

  const createRoom = async (name: string, usernames: string[]): Promise<string | undefined> => {
    try {
      const found = await props.account.findUsers(usernames);
      props.names.remember(found);
      const missing = usernames.filter((u) => !found.some((f) => f.username.toLowerCase() === u.toLowerCase()));
      if (missing.length > 0) return `No user named ${missing.map((m) => `"${m}"`).join(', ')}.`;
      const room = await client.createRoom(
        name,
        found.map((u) => u.id).filter((id) => id !== props.selfId),
      );
      refresh();
      openRoom(room.id);
      return undefined;
    } catch (err) {
      return errorText(err);
    }
  };

  const openNotification = (n: Notification) => {
    openRoom(n.roomId);
    if (!n.read)
      markNotificationsRead([n.id]).catch((err: unknown) => {
        setAlert(errorText(err));
      });
  };

  return (
    <div className="app">
      <header className="topbar">
        <h1>Chat</h1>
        <ConnectionBadge state={connectionState(status)} />
        <span className="spacer" />
        <NotificationBell
          notifications={[...notifications.notifications]}
          unreadCount={notifications.unreadCount}
          roomName={roomName}
          personName={props.names.nameOf}
          onOpenItem={openNotification}
          onMarkRead={(ids) =>
            void markNotificationsRead(ids).catch((err: unknown) => {
              setAlert(errorText(err));
            })
          }
          onMarkAllRead={() =>
            void markNotificationsRead('all').catch((err: unknown) => {
              setAlert(errorText(err));
            })
          }
        />
        <span className="me">
          Signed in as <strong>{props.names.nameOf(props.selfId)}</strong>
        </span>
        <button
          type="button"
          onClick={() =>
            void props.onLogOut().catch((err: unknown) => {
              setAlert(errorText(err));
            })
          }
        >
          Log out
        </button>
      </header>
      {alert && (
        <div className="alert" role="alert">
          <span>{alert}</span>
          <button
            type="button"
            className="link"
            onClick={() => {
              setAlert(undefined);
            }}
          >
            Dismiss
          </button>
        </div>
      )}
      <div className="body">
        <nav className="sidebar" aria-label="Rooms">
          <h2>Rooms</h2>
          {roomsError && <p className="error">Rooms could not be loaded: {roomsError}</p>}
          <RoomList rooms={rooms} selectedId={roomId} onSelect={openRoom} />
          <CreateRoomForm onCreate={createRoom} />
        </nav>
        {roomId === undefined ? (
          <main className="placeholder">
            <p>Choose a room, or create one.</p>
          </main>
        ) : (
          <RoomView
            key={roomId}
            roomId={roomId}
            room={rooms.find((r) => r.id === roomId)}
            selfId={props.selfId}
            names={props.names}
            account={props.account}
            onMembersChanged={refresh}
          />
        )}
      </div>
    </div>
  );
}
