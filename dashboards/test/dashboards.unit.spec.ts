import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { dashboardJson, dashboards } from '../src/index.ts';

const dir = new URL('../', import.meta.url);

describe('dashboards as code', () => {
  it('dashboards/*.json are what `npm run dashboards` writes (run it after changing dashboards/src)', async () => {
    const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
    expect(files).toEqual(dashboards.map((d) => `${d.uid}.json`).sort());
    for (const dashboard of dashboards) {
      expect(await readFile(new URL(`${dashboard.uid}.json`, dir), 'utf8'), `${dashboard.uid}.json is stale`).toBe(
        dashboardJson(dashboard),
      );
    }
  });

  it("the socket dashboard has the ops doc's uid and panels, and every backend service has one", () => {
    const socket = dashboards.find((d) => d.uid === 'materio-socket');
    expect(socket?.panels?.map((p) => ('title' in p ? p.title : undefined))).toEqual(
      expect.arrayContaining(['Active Connections', 'Messages/sec', 'Auth Events']),
    );
    expect(dashboards.map((d) => d.uid)).toEqual(
      expect.arrayContaining(['chat-gateway', 'auth-service', 'chat-service', 'notify-service']),
    );
  });
});
