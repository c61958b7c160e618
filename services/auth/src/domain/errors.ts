import { CodedError } from '@chatrt/service-kit/errors';

/** Unknown user and wrong password answer alike, so the reply does not reveal which usernames exist. */
export const invalidCredentials = (): CodedError => new CodedError('UNAUTHENTICATED', 'invalid username or password');

/** The session id is unknown or its session has expired. */
export const invalidSession = (): CodedError => new CodedError('UNAUTHENTICATED', 'session is invalid or expired');

/** Another user holds the same username, compared case-insensitively. */
export const usernameTaken = (): CodedError => new CodedError('CONFLICT', 'username is taken');

/** Too many failed logins for this username or from this address. */
export const tooManyFailedLogins = (retryAfter: number): CodedError =>
  new CodedError('RATE_LIMITED', `too many failed logins; retry in ${retryAfter} s`, { retryAfter });
