import type { ChatReadModels } from '../../application/ports.ts';
import { findMessageRoom, listMessages } from '../projections/messages.ts';
import { listRoomSummaries } from '../projections/room-members.ts';
import { readRoomUpdates } from '../projections/room-updates.ts';
import { readRoomState } from '../projections/rooms.ts';
import type { Queryable } from './sql.ts';

/** The read models in Postgres, queried on `db` (the pool: outside any command transaction). */
export function postgresReadModels(db: Queryable): ChatReadModels {
  return {
    roomOfMessage: (messageId) => findMessageRoom(db, messageId),
    roomState: (roomId) => readRoomState(db, roomId),
    messagePage: (roomId, page) => listMessages(db, roomId, page),
    roomSummaries: (userId) => listRoomSummaries(db, userId),
    roomUpdates: (query) => readRoomUpdates(db, query),
  };
}
