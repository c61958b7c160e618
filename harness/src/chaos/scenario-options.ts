import type { ConnectOptions } from '../client/chat-user.ts';
import type { ChaosClient } from './chaos-client.ts';
import type { ScenarioStack } from './scenario-stack.ts';
import type { SdkChaosClient } from './sdk-chaos-client.ts';
import type { ChaosSummary } from './summary.ts';

export interface ScenarioOptions {
  name: string;
  /**
   * Raw Socket.IO clients (`ChaosClient`) that send (and receive); each sends `messagesPerSender` messages one after
   * another.
   */
  senders: number;
  /** Raw Socket.IO clients that only receive. */
  receivers: number;
  /** SDK clients (`SdkChaosClient`: the project's ChatClient) that send, like the raw senders. Default: 0. */
  sdkSenders?: number;
  /** SDK clients that only receive. Default: 0. */
  sdkReceivers?: number;
  messagesPerSender: number;
  /** Every n-th send of a sender is invalid (too long) and must be refused and not stored. Default: 25. */
  invalidEvery?: number;
  /**
   * Every n-th send of a sender mentions one of the receivers (`@username`, in turn); the check then wants one
   * mention notification per stored message in each mentioned user's REST view and SDK store. Default: none.
   */
  mentionEvery?: number;
  /** The fault starts once this many sends have been acked (load keeps running through it). */
  faultAfterAcks: number;
  /**
   * Causes the fault and heals it (e.g. kill chat, start it again); runs while the load goes on. It resolves
   * when the fault is healed: the time to recover is measured from then (see `recoverySeconds`).
   */
  fault: (stack: ScenarioStack, scenario: ScenarioControl) => Promise<void>;
  /** Gateways a raw client tries, in order (default: its own first, then the others). Read on every reconnect. */
  gatewayOrder?: (client: number, stack: ScenarioStack) => number[];
  /** How client `client` connects its sockets (transports and fallback); default the harness's. */
  connectOptions?: (client: number) => ConnectOptions;
  /** Clients send and poll over REST while no socket answers (ChaosClientOptions.restFallback). */
  restFallback?: boolean;
}

/** A client of a scenario: raw Socket.IO or the SDK, recorded alike. */
export type ScenarioClient = ChaosClient | SdkChaosClient;

/** What a fault can see and steer of the running scenario. */
export interface ScenarioControl {
  /** Every client: raw senders, SDK senders, raw receivers, SDK receivers, in that order. */
  clients: readonly ScenarioClient[];
  receivers: readonly ScenarioClient[];
  /** Sends acked ok so far, over every sender. */
  acked: () => number;
}

export interface ScenarioResult {
  summary: ChaosSummary;
  violations: string[];
  clients: readonly ScenarioClient[];
}
