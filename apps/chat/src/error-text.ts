import { ChatClientError } from '@chatrt/client';

/** A sentence for the user from any failure. */
export function errorText(err: unknown): string {
  if (err instanceof ChatClientError) {
    switch (err.code) {
      case 'NETWORK':
      case 'TIMEOUT':
      case 'DISCONNECTED':
      case 'UNAVAILABLE':
        return 'The server cannot be reached right now. Try again in a moment.';
      case 'FORBIDDEN':
        return 'Not allowed here.';
      case 'NOT_FOUND':
        return 'Not found: it may have been deleted.';
      case 'OUTBOX_FULL':
        return 'Too many messages are waiting to be sent; wait for them first.';
      default:
        return err.message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}
