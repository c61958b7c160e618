import { subjects } from '@chatrt/contracts';
import { respondAll, type HandlerMetrics, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { NotifyService } from '../application/notify-service.ts';

/** NATS queue group shared by every notify instance, so each request is answered once. */
export const NOTIFY_QUEUE = 'notify';

/** Answers `notify.qry.list`, `notify.qry.changes` and `notify.cmd.markRead`; `close()` drains them. */
export function startNotifyResponders(
  nc: NatsConnection,
  service: NotifyService,
  log: Logger,
  metrics: HandlerMetrics,
): Responder {
  return respondAll(
    nc,
    {
      [subjects.notifyList]: (query) => service.list(query),
      [subjects.notifyChanges]: (query) => service.changes(query),
      [subjects.notifyMarkRead]: (command) => service.markRead(command),
    },
    { log, queue: NOTIFY_QUEUE, metrics },
  );
}
