/**
 * The application heartbeat: every `intervalMs`, while connected, `ping()` must be answered within its own
 * timeout; a ping that fails while the socket still claims to be connected means a dead link that the
 * transport has not noticed yet, and `onMissed` should force a reconnect. Returns the stop function.
 */
export function startHeartbeat(options: {
  intervalMs: number;
  isConnected: () => boolean;
  ping: () => Promise<unknown>;
  onMissed: (err: unknown) => void;
}): () => void {
  const timer = setInterval(() => {
    if (!options.isConnected()) return;
    options.ping().catch((err: unknown) => {
      if (options.isConnected()) options.onMissed(err);
    });
  }, options.intervalMs);
  return () => {
    clearInterval(timer);
  };
}
