import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '@chatrt/contracts';
import { eventually, startTestStack, type ChatSocket, type ChatUser, type TestStack } from '../src/index.ts';
import { prometheusBinaries, startPrometheus, type PrometheusServer } from '../src/testing/prometheus.ts';

const alertsFile = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url));
const dashboardsDir = new URL('../../dashboards/', import.meta.url);
const alertNames = [
  'NoGateway',
  'AckLatencyHigh',
  'OutboxLagHigh',
  'NotifyConsumerLagHigh',
  'ServiceErrorRateHigh',
  'RestErrorRateHigh',
];

interface PanelQueries {
  dashboard: string;
  panel: string;
  exprs: string[];
}

/** Every panel of the generated dashboards/*.json with its queries (what Grafana would run). */
async function dashboardPanels(): Promise<PanelQueries[]> {
  const panels: PanelQueries[] = [];
  for (const file of (await readdir(dashboardsDir)).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(await readFile(new URL(file, dashboardsDir), 'utf8')) as {
      uid: string;
      panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    };
    for (const panel of dashboard.panels) {
      panels.push({ dashboard: dashboard.uid, panel: panel.title, exprs: (panel.targets ?? []).map((t) => t.expr) });
    }
  }
  return panels;
}

/**
 * The value of the sample `name{labels…}` in a /metrics text (labels may come in any order, others may be
 * present), or 0.
 */
function sampleValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => present.includes(`${key}="${value}"`))) return Number(match[3]);
  }
  return 0;
}

describe('metrics, dashboards and alert rules against a real Prometheus scraping the stack', () => {
  let env: TestStack;
  let prometheus: PrometheusServer;
  let alice: ChatUser;
  let bob: ChatUser;
  let carol: ChatUser;
  let room: Room;
  let aliceSocket: ChatSocket;
  let load: { stop(): Promise<void> } | undefined;
  const metricsText = async (url: string) => (await fetch(`${url}/metrics`)).text();

  beforeAll(async () => {
    env = await startTestStack();
    return () => env.stop();
  });

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([env.signedUpUser(), env.signedUpUser(), env.signedUpUser()]);
    aliceSocket = await alice.connectChat();
    const created = await aliceSocket.emitWithAck('createRoom', { name: 'observed', memberIds: [bob.id, carol.id] });
    if (!created.ok) throw new Error(`createRoom failed: ${created.error.code}`);
    room = created.room;
    expect((await aliceSocket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    const { ports } = env.stack;
    prometheus = await startPrometheus({
      jobs: {
        gateway: [`127.0.0.1:${ports.socket}`],
        auth: [`127.0.0.1:${ports.ops.auth}`],
        chat: [`127.0.0.1:${ports.ops.chat}`],
        notify: [`127.0.0.1:${ports.ops.notify}`],
      },
      ruleFiles: [alertsFile],
    });
    return () => prometheus.stop();
  });

  afterAll(async () => {
    await load?.stop();
  });

  /** A little traffic of every kind the dashboards show, until stopped: sends, mentions, REST reads, resumes. */
  function startLoad(): { stop(): Promise<void> } {
    // An object, not a `let`: stop() clears it while the loop awaits.
    const control = { running: true };
    const loop = (async () => {
      const bobSocket = await bob.connectChat();
      for (let round = 0; control.running; round += 1) {
        const message = round % 5 === 0 ? `hello @${carol.username} (${round})` : `load ${round}`;
        const sent = await aliceSocket.emitWithAck('sendMessage', {
          roomId: room.id,
          message,
          clientMessageId: randomUUID(),
        });
        // Bob resumes from a few messages back: a join with afterSeq replays what he missed.
        const afterSeq = sent.ok ? Math.max(0, sent.message.seq - 3) : 0;
        await bobSocket.emitWithAck('joinRoom', { roomId: room.id, afterSeq });
        await bob.http('GET', `/chat/rooms/${room.id}/updates?afterSeq=${afterSeq}`);
        await carol.http('GET', '/notifications');
        // Paces the background traffic (a steady trickle for the dashboards), not a wait for anything.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      bobSocket.disconnect();
    })();
    return {
      async stop() {
        control.running = false;
        await loop;
      },
    };
  }

  it('promtool accepts the alert rules', async () => {
    const { stdout } = await promisify(execFile)(prometheusBinaries().promtool, ['check', 'rules', alertsFile]);
    expect(stdout).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it('the metrics move with traffic: REST route, NATS handler, event store, notify projection, presence', async () => {
    const { urls } = env.stack;
    const route = { method: 'GET', route: '/api/chat/rooms/:roomId/updates', status: '200' };
    const handler = { subject: 'chat.qry.roomUpdates', outcome: 'ok' };
    const before = {
      gateway: await metricsText(urls.socket),
      chat: await metricsText(urls.ops.chat),
      notify: await metricsText(urls.ops.notify),
    };

    expect((await bob.http('GET', `/chat/rooms/${room.id}/updates?afterSeq=0`)).status).toBe(200);
    const sent = await aliceSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: `ping @${carol.username}`,
      clientMessageId: randomUUID(),
    });
    expect(sent.ok).toBe(true);

    const gateway = await metricsText(urls.socket);
    expect(sampleValue(gateway, 'http_request_duration_seconds_count', route)).toBe(
      sampleValue(before.gateway, 'http_request_duration_seconds_count', route) + 1,
    );
    expect(gateway).not.toContain(room.id);
    expect(sampleValue(gateway, 'gateway_presence_users', {})).toBeGreaterThanOrEqual(1);
    const chat = await metricsText(urls.ops.chat);
    expect(sampleValue(chat, 'nats_handler_duration_seconds_count', handler)).toBe(
      sampleValue(before.chat, 'nats_handler_duration_seconds_count', handler) + 1,
    );
    expect(sampleValue(chat, 'chat_events_appended_total', {})).toBeGreaterThan(
      sampleValue(before.chat, 'chat_events_appended_total', {}),
    );
    expect(sampleValue(chat, 'chat_event_store_append_duration_seconds_count', {})).toBeGreaterThan(
      sampleValue(before.chat, 'chat_event_store_append_duration_seconds_count', {}),
    );

    expect((await aliceSocket.emitWithAck('joinRoom', { roomId: room.id, afterSeq: 0 })).ok).toBe(true);
    expect(sampleValue(await metricsText(urls.socket), 'socket_resumes_total', {})).toBe(
      sampleValue(gateway, 'socket_resumes_total', {}) + 1,
    );
    // The replay runs after the join's ack.
    await eventually(
      () => metricsText(urls.socket),
      (text) =>
        sampleValue(text, 'socket_replayed_updates_total', {}) >
        sampleValue(gateway, 'socket_replayed_updates_total', {}),
    );
    await eventually(
      () => metricsText(urls.ops.notify),
      (notify) =>
        sampleValue(notify, 'notify_projection_lag_seconds_count', {}) >
        sampleValue(before.notify, 'notify_projection_lag_seconds_count', {}),
    );
    const notify = await metricsText(urls.ops.notify);
    expect(notify).toMatch(/^notify_consumer_pending_events\{[^}]*state="pending"[^}]*\} \d+$/m);
    expect(sampleValue(notify, 'notify_presence_users', {})).toBeGreaterThanOrEqual(1);
  });

  it("every dashboard panel's queries parse, and every panel returns data", { timeout: 120_000 }, async () => {
    const panels = await dashboardPanels();
    expect(panels.length).toBeGreaterThan(30);
    // A burst over RATE_LIMIT_BURST (10): the rate-limited panel needs some refusals.
    await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        aliceSocket.emitWithAck('sendMessage', {
          roomId: room.id,
          message: `burst ${i}`,
          clientMessageId: randomUUID(),
        }),
      ),
    );
    load = startLoad();
    const withoutData = async (): Promise<string[]> => {
      const empty: string[] = [];
      for (const panel of panels) {
        // A query Prometheus cannot parse rejects here and fails the test at once.
        const results = await Promise.all(panel.exprs.map((expr) => prometheus.query(expr)));
        if (results.every((series) => series.length === 0)) empty.push(`${panel.dashboard}: ${panel.panel}`);
      }
      return empty;
    };
    expect(await eventually(withoutData, (empty) => empty.length === 0, 90_000)).toEqual([]);
  });

  it('Prometheus loads every alert rule and evaluates it without error', async () => {
    const rules = await eventually(
      async () => (await prometheus.rules()).flatMap((group) => group.rules),
      (loaded) => loaded.length === alertNames.length && loaded.every((rule) => rule.health !== 'unknown'),
    );
    expect(rules.map((rule) => rule.name).sort()).toEqual([...alertNames].sort());
    expect(rules.filter((rule) => rule.health !== 'ok')).toEqual([]);
  });
});
