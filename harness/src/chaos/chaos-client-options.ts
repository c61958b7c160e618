import type { ChatUser, ConnectOptions } from '../client/chat-user.ts';
import type { ClientConfig } from '../client/client-config.ts';

/** How a `ChaosClient` connects, sends and retries. */
export interface ChaosClientOptions {
  name: string;
  user: ChatUser;
  roomId: string;
  /** Gateways to try on every (re)connect, in order of preference; read each time (ports move on restarts). */
  gateways: () => ClientConfig[];
  /** How long one send may keep retrying before its outcome counts as unknown. Default: 90 s. */
  sendDeadlineMs?: number;
  /** Wait for one ack before retrying the same send. Default: 8 s (longer than the gateway's NATS timeout). */
  ackTimeoutMs?: number;
  /** How its sockets connect (transports and fallback); default the harness's. */
  connectOptions?: ConnectOptions;
  /**
   * While no gateway's socket answers, send over REST (POST /api/chat/messages, same clientMessageId) and poll
   * the room's history, trying the sockets again all the while. Default: off (keep trying sockets only).
   */
  restFallback?: boolean;
  /** Wait out RATE_LIMITED and send again (default), or settle the send as refused (the rate-limit scenario). */
  retryRateLimited?: boolean;
}
