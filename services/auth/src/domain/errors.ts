import { CodedError } from '@chatrt/service-kit';

/** Unknown user and wrong password answer alike, so the reply does not reveal which usernames exist. */
export const invalidCredentials = (): CodedError => new CodedError('UNAUTHENTICATED', 'invalid username or password');

/** The session id is unknown or its session has expired. */
export const invalidSession = (): CodedError => new CodedError('UNAUTHENTICATED', 'session is invalid or expired');

/** Another user holds the same username, compared case-insensitively. */
export const usernameTaken = (): CodedError => new CodedError('CONFLICT', 'username is taken');
