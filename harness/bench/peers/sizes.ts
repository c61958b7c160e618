/** How much `npm run bench -- --peers` loads each server: the full sizes, or `--quick`'s. */
export interface PeerSizes {
  /** Publish → ack: connections publishing into one channel, and their total rate (msg/s). */
  ackSenders: number;
  ackRate: number;
  /** Fan-out: subscribers in one channel, and the messages one publisher sends per round at `fanOutRate`. */
  fanOutSockets: number[];
  fanOutMessages: number[];
  /** Offered msg/s into the fan-out channel: × subscribers it is above what either server delivers here. */
  fanOutRate: number;
  rounds: number;
}

export const fullPeerSizes: PeerSizes = {
  ackSenders: 50,
  ackRate: 1000,
  fanOutSockets: [400, 2000],
  fanOutMessages: [1000, 200],
  fanOutRate: 2000,
  rounds: 3,
};

export const quickPeerSizes: PeerSizes = {
  ackSenders: 50,
  ackRate: 1000,
  fanOutSockets: [100, 400],
  fanOutMessages: [500, 250],
  fanOutRate: 2000,
  rounds: 2,
};
