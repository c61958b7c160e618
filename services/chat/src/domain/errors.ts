import { CodedError } from '@chatrt/service-kit';

/** The room does not exist (or the id was never issued). */
export class RoomNotFoundError extends CodedError {
  constructor(roomId: string) {
    super('NOT_FOUND', `room ${roomId} does not exist`);
    this.name = 'RoomNotFoundError';
  }
}

/** The actor is not a member of the room it acts on. */
export class NotAMemberError extends CodedError {
  constructor(roomId: string) {
    super('FORBIDDEN', `not a member of room ${roomId}`);
    this.name = 'NotAMemberError';
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
