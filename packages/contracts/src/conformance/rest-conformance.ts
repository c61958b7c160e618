import type { ConformanceSink } from './conformance-sink.ts';
import { checkBody, routes, type BodyRule } from './conformance-rules.ts';

/** An exchange over HTTP as a client saw it; bodies are parsed JSON (text for other media types). */
export interface RestExchange {
  method: string;
  /** Path and query, e.g. `/api/chat/messages?roomId=…`. */
  url: string;
  requestBody?: unknown;
  status: number;
  contentType: string | null;
  responseBody: unknown;
}

/**
 * Checks a REST exchange against openapi.yaml: the route and status must be in the spec and the response must match
 * it; a request body the spec refuses must be answered with an error.
 */
export function checkRestExchange(exchange: RestExchange, sink: ConformanceSink): void {
  const report = (where: string, path: string, message: string) => {
    sink.violation({ spec: 'openapi', where, path, message });
  };
  const { pathname } = new URL(exchange.url, 'http://any');
  const route = routes.find(
    ({ rules, pattern }) => rules.method === exchange.method.toUpperCase() && pattern.test(pathname),
  );
  const where = `${exchange.method.toUpperCase()} ${pathname} → ${exchange.status}`;
  if (!route) {
    // A client asking for what the spec lacks must be told it is not there.
    if (exchange.status !== 404 && exchange.status !== 405)
      report(where, '/', 'route not in openapi.yaml answered other than 404/405');
    return;
  }
  const { rules } = route;
  const responses = rules.responses;
  const documented = Object.hasOwn(responses, String(exchange.status)) ? responses[String(exchange.status)] : undefined;
  if (documented === undefined) {
    report(
      where,
      '/',
      `status ${exchange.status} not in openapi.yaml for ${rules.operationId} ` +
        `(has ${Object.keys(responses).join(', ')})`,
    );
    return;
  }
  const requestRule = rules.requestBody;
  const requestValid =
    !requestRule?.mediaType ||
    (exchange.requestBody === undefined
      ? !requestRule.required
      : checkBody(requestRule as BodyRule, exchange.requestBody).ok);
  if (!requestValid && exchange.status < 400) {
    report(where, '/', `a request body the spec refuses was answered ${exchange.status}`);
  }
  if (documented === null) {
    if (exchange.responseBody !== undefined && exchange.responseBody !== '')
      report(where, '/', 'a body where the spec has none');
  } else if (!exchange.contentType?.startsWith(documented.mediaType)) {
    report(where, '/', `content type ${exchange.contentType ?? 'none'}, the spec has ${documented.mediaType}`);
  } else {
    const checked = checkBody(documented, exchange.responseBody);
    if (!checked.ok) report(where, checked.path, checked.message);
  }
  if (requestValid) sink.exercised('openapi', 'operation', rules.operationId);
}
