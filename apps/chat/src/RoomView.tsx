import { useCallback, useEffect, useRef, useState } from 'react';
import type { RoomSummary } from '@chatrt/contracts';
import { ChatClientError } from '@chatrt/client';
import { useRateLimit, useRoomMessages, useSockets } from '@chatrt/client/react';
import type { AccountApi } from './account.ts';
import { AddMemberForm } from './components/AddMemberForm.tsx';
import { Composer } from './components/Composer.tsx';
import { MessageList } from './components/MessageList.tsx';
import { RateLimitNotice } from './components/RateLimitNotice.tsx';
import { TypingIndicator } from './components/TypingIndicator.tsx';
import { errorText } from './error-text.ts';
import { useKnownNames } from './hooks/use-known-names.ts';
import { useTyping } from './hooks/use-typing.ts';
import type { UserNames } from './user-names.ts';

/** Messages per history page. */
const pageSize = 50;

/**
 * One open room: followed live while open (left again when closed), its history paged back on demand,
 * read up to its newest message while open, and the composer.
 */
export function RoomView(props: {
  roomId: string;
  room: RoomSummary | undefined;
  selfId: string;
  names: UserNames;
  account: AccountApi;
  onMembersChanged: () => void;
}) {
  const { client, status } = useSockets();
  const { roomId } = props;
  const messages = useRoomMessages(roomId);
  const rateLimit = useRateLimit();
  const typing = useTyping(client, roomId, props.selfId);
  const [roomError, setRoomError] = useState<string>();
  const [hasOlder, setHasOlder] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const reachable = status === 'connected' || status === 'fallback';

  // Removed from the room: say so; added back (it is in the room list again): follow it again.
  const [removed, setRemoved] = useState(false);
  const { onMembersChanged } = props;
  // A join refused as FORBIDDEN means the membership ended after the room list was loaded (the removal
  // raced the join, so no memberRemoved reaches this page): the same as being removed.
  const refused = useCallback(
    (err: unknown) => {
      if (err instanceof ChatClientError && err.code === 'FORBIDDEN') {
        setRemoved(true);
        onMembersChanged();
      } else setRoomError(errorText(err));
    },
    [onMembersChanged],
  );
  const [joining, setJoining] = useState(true);
  const join = useCallback(() => {
    setJoining(true);
    return client
      .joinRoom(roomId)
      .catch(refused)
      .finally(() => {
        setJoining(false);
      });
  }, [client, roomId, refused]);
  // Refused later: when joined again after a reconnect (e.g. the page opened before connecting) or polled.
  useEffect(
    () =>
      client.on('roomRefused', (id, err) => {
        if (id === roomId) refused(err);
      }),
    [client, roomId, refused],
  );
  useEffect(() => {
    setRoomError(undefined);
    void join();
    return () => {
      client.leaveRoom(roomId);
    };
  }, [client, roomId, join]);

  // Members and senders are ids; their names are looked up when the page does not know them yet.
  const people = [...(props.room?.memberIds ?? []), ...messages.flatMap((m) => (m.senderId ? [m.senderId] : []))];
  useKnownNames(people, props.account, props.names);
  const listed = props.room !== undefined;
  const wasListed = useRef(listed);
  useEffect(
    () =>
      client.on('memberRemoved', (change) => {
        if (change.roomId === roomId && change.userId === props.selfId) setRemoved(true);
      }),
    [client, roomId, props.selfId],
  );
  useEffect(() => {
    if (removed && listed && !wasListed.current) {
      setRemoved(false);
      void join();
    }
    wasListed.current = listed;
  }, [removed, listed, join]);

  // The latest page tells whether there is older history (the join loads the same page into the store).
  useEffect(() => {
    if (!reachable) return;
    let current = true;
    client.history(roomId, { limit: pageSize }).then(
      (page) => {
        if (current) setHasOlder(page.hasMore);
      },
      (err: unknown) => {
        // Without this page the view cannot offer older history: say so, as a failed "load older" does.
        if (current) setRoomError(errorText(err));
      },
    );
    return () => {
      current = false;
    };
  }, [client, roomId, reachable]);

  // Reading the room moves the read marker to its newest stored message.
  const marked = useRef(0);
  const newestSeq = messages.reduce((max, m) => (m.seq !== undefined && m.seq > max ? m.seq : max), 0);
  useEffect(() => {
    if (newestSeq <= marked.current || !reachable) return;
    marked.current = newestSeq;
    client.markRead(roomId, newestSeq).catch(() => {
      marked.current = 0;
    });
  }, [client, roomId, newestSeq, reachable]);

  // A ref, not the state, guards against a second load: scroll events come faster than re-renders.
  const loading = useRef(false);
  const loadOlder = useCallback(() => {
    const oldest = messages.find((m) => m.seq !== undefined)?.seq;
    if (oldest === undefined || loading.current) return;
    loading.current = true;
    setLoadingOlder(true);
    client
      .history(roomId, { before: oldest, limit: pageSize })
      .then(
        (page) => {
          setHasOlder(page.hasMore);
        },
        (err: unknown) => {
          setRoomError(errorText(err));
        },
      )
      .finally(() => {
        loading.current = false;
        setLoadingOlder(false);
      });
  }, [client, roomId, messages]);

  const addMember = async (username: string): Promise<string | undefined> => {
    try {
      const [user] = await props.account.findUsers([username]);
      if (!user) return `No user named "${username}".`;
      props.names.remember([user]);
      await client.addMember(roomId, user.id);
      props.onMembersChanged();
      return undefined;
    } catch (err) {
      return errorText(err);
    }
  };

  // The room leaves the list when I am removed; its name stays on screen.
  const lastKnown = useRef(props.room);
  if (props.room) lastKnown.current = props.room;
  const room = lastKnown.current;
  const memberCount = props.room?.memberIds.length;
  return (
    <main className="room-view" aria-labelledby="room-title" aria-busy={joining}>
      <div className="room-head">
        <h2 id="room-title">{room?.name ?? 'Room'}</h2>
        {memberCount !== undefined && (
          <span className="muted" title={props.room?.memberIds.map(props.names.nameOf).join(', ')}>
            {memberCount} {memberCount === 1 ? 'member' : 'members'}
          </span>
        )}
        <AddMemberForm onAdd={addMember} />
      </div>
      {(removed || roomError) && (
        <p className="notice error" role="alert">
          {removed ? 'You are no longer a member of this room.' : roomError}
        </p>
      )}
      <MessageList
        messages={messages}
        selfId={props.selfId}
        nameOf={props.names.nameOf}
        hasOlder={hasOlder}
        loadingOlder={loadingOlder}
        onLoadOlder={loadOlder}
        onRetry={(id) => client.retry(id)}
      />
      <TypingIndicator names={typing.map(props.names.nameOf)} />
      <RateLimitNotice state={rateLimit} />
      <Composer onSend={(text) => client.send(roomId, text)} onTyping={(on) => client.typing(roomId, on)} />
    </main>
  );
}
