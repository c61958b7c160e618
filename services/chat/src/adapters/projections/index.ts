import { messagesProjection } from './messages.ts';
import type { Projection } from './projection.ts';
import { roomMembersProjection } from './room-members.ts';
import { roomsProjection } from './rooms.ts';

/** The chat read models, in the order they are applied (room_members reads rooms and messages). */
export const chatProjections: readonly Projection[] = [roomsProjection, messagesProjection, roomMembersProjection];
