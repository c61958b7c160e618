import type { RoomUpdate } from '@chatrt/contracts';
import type { ChatClientEvents } from './client-types.ts';
import type { Emitter } from './emitter.ts';
import type { RoomSync } from './room-sync.ts';
import type { ChatSocket } from './sockets.ts';

/** Room updates go to the followed rooms; typing and presence straight to the client's listeners. */
export function forwardChatEvents(socket: ChatSocket, rooms: RoomSync, events: Emitter<ChatClientEvents>): void {
  socket.on('roomEvents', ({ events: updates }) => {
    for (const update of updates) rooms.apply(update);
  });
  socket.on('message', (payload) => {
    rooms.apply({ event: 'message', payload });
  });
  socket.on('messageEdited', (payload) => {
    rooms.apply({ event: 'messageEdited', payload });
  });
  socket.on('messageDeleted', (payload) => {
    rooms.apply({ event: 'messageDeleted', payload });
  });
  socket.on('memberAdded', (payload) => {
    rooms.apply({ event: 'memberAdded', payload });
  });
  socket.on('memberRemoved', (payload) => {
    rooms.apply({ event: 'memberRemoved', payload });
  });
  socket.on('typing', (payload) => {
    events.emit('typing', payload);
  });
  socket.on('presence', (payload) => {
    events.emit('presence', payload);
  });
}

/** Announces a room update that brought something new, under its own event name. */
export function announce(events: Emitter<ChatClientEvents>, update: RoomUpdate): void {
  switch (update.event) {
    case 'message': {
      events.emit('message', update.payload);
      return;
    }
    case 'messageEdited': {
      events.emit('messageEdited', update.payload);
      return;
    }
    case 'messageDeleted': {
      events.emit('messageDeleted', update.payload);
      return;
    }
    case 'memberAdded': {
      events.emit('memberAdded', update.payload);
      return;
    }
    case 'memberRemoved': {
      events.emit('memberRemoved', update.payload);
      return;
    }
  }
}
