import { useCallback, useEffect, useRef, useState } from 'react';
import type { RoomSummary } from '@chatrt/contracts';
import { isTransient, type ChatClient } from '@chatrt/client';
import { errorText } from '../error-text.ts';

/** How often the room list is refreshed when nothing else triggers it, in millis. */
const refreshIntervalMs = 15_000;

/**
 * The caller's rooms with unread counts (`GET /api/chat/rooms`): loaded at once, again when a
 * notification (being added to a room is one), a membership change, a reconnect or coming back to the tab
 * may have changed them, and every few seconds as a safety net (notifications can lag behind).
 */
export function useRooms(client: ChatClient): { rooms: RoomSummary[]; error: string | undefined; refresh: () => void } {
  const [rooms, setRooms] = useState<RoomSummary[]>([]);
  const [error, setError] = useState<string>();
  const inFlight = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    client
      .listRooms()
      .then(
        (list) => {
          setRooms(list);
          setError(undefined);
        },
        // Unreachable: keep the last list (the connection badge says why); a refusal is shown.
        (err: unknown) => {
          if (!isTransient(err)) setError(errorText(err));
        },
      )
      .finally(() => {
        inFlight.current = false;
        if (again.current) {
          again.current = false;
          refresh();
        }
      });
  }, [client]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, refreshIntervalMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    const offs = [
      client.on('notification', refresh),
      client.on('memberAdded', refresh),
      client.on('memberRemoved', refresh),
      client.on('status', refresh),
    ];
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      for (const off of offs) off();
    };
  }, [client, refresh]);

  return { rooms, error, refresh };
}
