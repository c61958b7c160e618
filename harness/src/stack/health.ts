import { get } from 'node:http';

/** The outcome of one health probe: the HTTP status, or why there was none. */
type ProbeResult = { status: number; body: string } | { error: string };

/**
 * GETs `url` on a fresh connection (no keep-alive pool, so nothing of ours holds a service's port open
 * after the probe) and reports the status, bounded by `timeoutMs`.
 */
function probe(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', (err) => {
        resolve({ error: err.message });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ error: err.code ?? err.message });
    });
  });
}

/** A short description of a probe result for error messages. */
function describeProbe(url: string, result: ProbeResult): string {
  return 'status' in result
    ? `GET ${url} → ${result.status} ${result.body.slice(0, 300)}`
    : `GET ${url} → ${result.error}`;
}

/**
 * Resolves once every URL answers 200. Rejects when `deadline` (epoch millis) passes, or as soon as
 * `abandoned` rejects (the process exited), so a crash is reported at once instead of after the timeout.
 */
export async function waitUntilHealthy(
  urls: readonly string[],
  deadline: number,
  abandoned: Promise<never>,
): Promise<void> {
  let stopped = false;
  const poll = async (): Promise<void> => {
    for (;;) {
      const results = await Promise.all(urls.map(async (url) => ({ url, result: await probe(url) })));
      const unhealthy = results.filter(({ result }) => !('status' in result) || result.status !== 200);
      if (unhealthy.length === 0 || stopped) return;
      if (Date.now() > deadline) {
        throw new Error(
          `not healthy in time: ${unhealthy.map(({ url, result }) => describeProbe(url, result)).join('; ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  try {
    await Promise.race([poll(), abandoned]);
  } finally {
    stopped = true;
  }
}
