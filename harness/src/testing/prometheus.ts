import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../infra/ports.ts';
import { eventually } from './eventually.ts';

/** One PromQL result series: its labels and latest value. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A Prometheus server this process started, scraping the given targets every second. */
export interface PrometheusServer {
  url: string;
  /** Runs an instant query; rejects with Prometheus's error (e.g. a parse error) when it is refused. */
  query(expr: string): Promise<PromSample[]>;
  /** The loaded rule groups (`/api/v1/rules`). */
  rules(): Promise<Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>>;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/**
 * The Prometheus binary `scripts/tools.sh` provides (Debian's package, unpacked into the tools cache), or a
 * clear error when the test runs outside `scripts/run.sh`.
 */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  const prometheus = process.env['PROMETHEUS_BIN'];
  const promtool = process.env['PROMTOOL_BIN'];
  if (!prometheus || !promtool)
    throw new Error(
      'PROMETHEUS_BIN / PROMTOOL_BIN unset: run tests through scripts/run.sh (npm test), which provides them',
    );
  return { prometheus, promtool };
}

/**
 * Starts Prometheus on a free 127.0.0.1 port with a 1 s scrape and evaluation interval, scraping `jobs`
 * (job name → `host:port` targets, path /metrics) and evaluating `ruleFiles`; resolves once it is ready.
 */
export async function startPrometheus(options: {
  jobs: Record<string, string[]>;
  ruleFiles: string[];
}): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-prometheus-'));
  // JSON is YAML, so the config needs no YAML writer.
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    rule_files: options.ruleFiles,
    scrape_configs: Object.entries(options.jobs).map(([job, targets]) => ({
      job_name: job,
      static_configs: [{ targets }],
    })),
  };
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child: ChildProcess = spawn(
    prometheusBinaries().prometheus,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`prometheus exited with ${child.exitCode}:\n${output.join('').slice(-2000)}`);
        return fetch(`${url}/-/ready`).then(
          (res) => res.ok,
          () => false,
        );
      },
      (ready) => ready,
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) =>
      (await api<{ result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    rules: async () => (await api<{ groups: Awaited<ReturnType<PrometheusServer['rules']>> }>('/api/v1/rules')).groups,
    stop,
  };
}
