import { connect, type NatsConnection } from '@nats-io/transport-node';
import { checkContract, natsReconnectOptions, natsServers, type Logger } from '@chatrt/service-kit';

/**
 * The outbox relay's own NATS connection: a publish per committed event makes it the busiest client,
 * so it gets its own socket and flow control, and no async stack traces (nats.js otherwise builds two
 * Error objects per publish just in case one fails, a large share of the relay's CPU at thousands of
 * events per second). Checked against the spec like every service connection under `CONTRACT_CHECK`.
 */
export async function connectRelayNats(natsUrl: string, log: Logger): Promise<NatsConnection> {
  const nc = checkContract(
    await connect({ servers: natsServers(natsUrl), name: 'chat-relay', ...natsReconnectOptions, noAsyncTraces: true }),
    log,
  );
  void (async () => {
    for await (const status of nc.status()) log.info({ nats: status.type, connection: 'relay' }, 'NATS status');
  })();
  return nc;
}
