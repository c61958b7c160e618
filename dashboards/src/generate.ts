import { readdir, rm, writeFile } from 'node:fs/promises';
import { dashboardJson, dashboards } from './index.ts';

/** `npm run dashboards`: writes every dashboard to dashboards/<uid>.json and removes JSON files no dashboard writes. */
const dir = new URL('../', import.meta.url);
const written = new Set<string>();
for (const dashboard of dashboards) {
  const file = `${dashboard.uid}.json`;
  await writeFile(new URL(file, dir), dashboardJson(dashboard));
  written.add(file);
}
for (const file of await readdir(dir)) {
  if (file.endsWith('.json') && !written.has(file)) await rm(new URL(file, dir));
}
console.log(`wrote ${[...written].join(', ')} in dashboards/`);
