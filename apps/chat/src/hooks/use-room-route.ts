import { useCallback, useEffect, useState } from 'react';

const base = import.meta.env.BASE_URL; // '/apps/chat/'

/** The room id in `/apps/chat/rooms/<id>`, if the path is one. */
function roomIdFromPath(pathname: string): string | undefined {
  if (!pathname.startsWith(`${base}rooms/`)) return undefined;
  const id = decodeURIComponent(pathname.slice(`${base}rooms/`.length).split('/')[0] ?? '');
  return id === '' ? undefined : id;
}

/**
 * The open room, kept in the URL (`/apps/chat/rooms/<id>`) so reloads, links and Back work; the gateway
 * serves the page for every such path.
 */
export function useRoomRoute(): [string | undefined, (roomId: string | undefined) => void] {
  const [roomId, setRoomId] = useState(() => roomIdFromPath(window.location.pathname));
  useEffect(() => {
    const onPop = () => {
      setRoomId(roomIdFromPath(window.location.pathname));
    };
    window.addEventListener('popstate', onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  const open = useCallback((next: string | undefined) => {
    const path = next === undefined ? base : `${base}rooms/${encodeURIComponent(next)}`;
    if (window.location.pathname !== path) window.history.pushState(null, '', `${path}${window.location.search}`);
    setRoomId(next);
  }, []);
  return [roomId, open];
}
