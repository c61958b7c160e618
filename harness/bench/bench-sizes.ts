/** How much each measurement of `npm run bench` does: the full sizes of the issue, or `--quick`. */
export interface BenchSizes {
  phaseSeconds: number;
  /** Offered rates of the ladder (msg/s, spread over 100 rooms), lowest first. */
  ladder: number[];
  fanOutSockets: number[];
  /**
   * Sent to the fan-out room: × sockets, the deliveries/s offered (above what one process can deliver, to find its
   * capacity).
   */
  fanOutMessagesPerSecond: number;
  idleSockets: number;
  resumeClients: number;
  missedMessages: number;
  historyEvents: number;
  historySamples: number;
}

export const fullSizes: BenchSizes = {
  phaseSeconds: 10,
  ladder: [250, 500, 1000, 1500, 2000, 3000, 4000],
  fanOutSockets: [400, 2000],
  fanOutMessagesPerSecond: 50,
  idleSockets: 10_000,
  resumeClients: 5_000,
  missedMessages: 10_000,
  historyEvents: 1_000_000,
  historySamples: 2_000,
};

export const quickSizes: BenchSizes = {
  phaseSeconds: 3,
  ladder: [100, 250, 500, 1000],
  fanOutSockets: [100, 400],
  fanOutMessagesPerSecond: 50,
  idleSockets: 1_000,
  resumeClients: 100,
  missedMessages: 1_000,
  historyEvents: 100_000,
  historySamples: 300,
};
