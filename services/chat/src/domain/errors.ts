import { CodedError } from '@chatrt/service-kit/errors';

/** The room does not exist (or the id was never issued). */
export class RoomNotFoundError extends CodedError {
  constructor(roomId: string) {
    super('NOT_FOUND', `room ${roomId} does not exist`);
    this.name = 'RoomNotFoundError';
  }
}

/** The message does not exist (or the id was never issued). */
export class MessageNotFoundError extends CodedError {
  constructor(messageId: string) {
    super('NOT_FOUND', `message ${messageId} does not exist`);
    this.name = 'MessageNotFoundError';
  }
}

/** The actor is not a member of the room it acts on. */
export class NotAMemberError extends CodedError {
  constructor(roomId: string) {
    super('FORBIDDEN', `not a member of room ${roomId}`);
    this.name = 'NotAMemberError';
  }
}

/** Only a message's author may change it. */
export class NotTheAuthorError extends CodedError {
  constructor(messageId: string) {
    super('FORBIDDEN', `only the author may change message ${messageId}`);
    this.name = 'NotTheAuthorError';
  }
}

/** A member may remove only themselves unless they created the room. */
export class RemovalNotAllowedError extends CodedError {
  constructor(roomId: string) {
    super('FORBIDDEN', `only the creator of room ${roomId} may remove other members`);
    this.name = 'RemovalNotAllowedError';
  }
}

/** A deleted message cannot be edited: its text is gone for good. */
export class MessageDeletedError extends CodedError {
  constructor(messageId: string) {
    super('CONFLICT', `message ${messageId} was deleted`);
    this.name = 'MessageDeletedError';
  }
}

/** A room id that is already taken; ids are random UUIDs, so this signals a bug, not a user error. */
export class RoomAlreadyExistsError extends CodedError {
  constructor(roomId: string) {
    super('CONFLICT', `room ${roomId} already exists`);
    this.name = 'RoomAlreadyExistsError';
  }
}

/** The message is empty or longer than the configured maximum. */
export class InvalidMessageLengthError extends CodedError {
  constructor(length: number, max: number) {
    super('VALIDATION_FAILED', `message must be 1 to ${max} characters long, got ${length}`);
    this.name = 'InvalidMessageLengthError';
  }
}

/** A read marker past the room's last event. */
export class SeqBeyondRoomError extends CodedError {
  constructor(seq: number, lastSeq: number) {
    super('VALIDATION_FAILED', `seq ${seq} is beyond the room's last seq ${lastSeq}`);
    this.name = 'SeqBeyondRoomError';
  }
}

/** Users that do not exist cannot become members. */
export class UnknownUsersError extends CodedError {
  constructor(userIds: readonly string[]) {
    super('NOT_FOUND', `no such user: ${userIds.join(', ')}`);
    this.name = 'UnknownUsersError';
  }
}
