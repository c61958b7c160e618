import { useEffect, useState } from 'react';
import type { ChatClient } from '@chatrt/client';

/** A "typing" that is never turned off (a lost event, a closed tab) disappears after this, in millis. */
const typingExpiryMs = 6000;

/** Ids of the other users typing in `roomId` right now. */
export function useTyping(client: ChatClient, roomId: string, selfId: string): string[] {
  const [typing, setTyping] = useState<Map<string, ReturnType<typeof setTimeout>>>(new Map());
  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const publish = () => {
      setTyping(new Map(timers));
    };
    const stop = (userId: string) => {
      clearTimeout(timers.get(userId));
      if (timers.delete(userId)) publish();
    };
    const off = client.on('typing', (event) => {
      if (event.roomId !== roomId || event.userId === selfId) return;
      if (!event.isTyping) {
        stop(event.userId);
        return;
      }
      clearTimeout(timers.get(event.userId));
      timers.set(
        event.userId,
        setTimeout(() => {
          stop(event.userId);
        }, typingExpiryMs),
      );
      publish();
    });
    // A message from someone ends their typing.
    const offMessage = client.on('message', (message) => {
      if (message.roomId === roomId) stop(message.senderId);
    });
    return () => {
      off();
      offMessage();
      for (const timer of timers.values()) clearTimeout(timer);
      setTyping(new Map());
    };
  }, [client, roomId, selfId]);
  return [...typing.keys()];
}
