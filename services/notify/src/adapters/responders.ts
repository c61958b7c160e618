import { subjects } from '@chatrt/contracts';
import { respond, type HandlerMetrics, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { NotifyService } from '../notify-service.ts';

/** NATS queue group shared by every notify instance, so each request is answered once. */
export const NOTIFY_QUEUE = 'notify';

/** Answers `notify.qry.list`, `notify.qry.changes` and `notify.cmd.markRead`; `close()` drains them. */
export function startNotifyResponders(nc: NatsConnection, service: NotifyService, log: Logger, metrics: HandlerMetrics): Responder {
  const options = { log, queue: NOTIFY_QUEUE, metrics };
  const responders = [
    respond(nc, subjects.notifyList, (query) => service.list(query), options),
    respond(nc, subjects.notifyChanges, (query) => service.changes(query), options),
    respond(nc, subjects.notifyMarkRead, (command) => service.markRead(command), options),
  ];
  return {
    async close() {
      await Promise.all(responders.map((responder) => responder.close()));
    },
  };
}
