import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createPool, migrate } from '@chatrt/service-kit';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../../../harness/src/infra/postgres.ts';
import { RoomEventStore } from '../src/adapters/postgres/event-store.ts';
import { createChatHandlers } from '../src/adapters/chat-handlers.ts';
import { chatProjections } from '../src/adapters/projections/index.ts';

const log = createLogger('x', 'warn');
const dir = await mkdtemp(join(tmpdir(), 'hp-'));
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false });
await migrate(pg.url, { schema: 'chat', dir: fileURLToPath(new URL('../migrations', import.meta.url)), log });
const pool = createPool(pg.url, log, 10);
const stats = new Map<string, { n: number; ms: number }>();
const origConnect = pool.connect.bind(pool);
(pool as any).connect = async () => {
  const c: any = await origConnect();
  if (!c.__wrapped) {
    const q = c.query.bind(c);
    c.query = async (text: any, values?: any) => {
      const t0 = performance.now();
      try { return await q(text, values); } finally {
        const key = String(typeof text === 'string' ? text : text.text).replace(/\s+/g, ' ').slice(0, 50);
        const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t0; stats.set(key, s);
      }
    };
    c.__wrapped = true;
  }
  return c;
};
const store = new RoomEventStore({ pool, projections: chatProjections, log, newId: randomUUID, clock: () => new Date(), groupCommit: { maxBatchSize: 200, maxWaitMs: 0, concurrency: 2 } });
const h = createChatHandlers({ store, pool, policy: { messageMaxLength: 4000 }, newId: randomUUID });
const members = Array.from({ length: 50 }, () => randomUUID());
const creator = randomUUID();
const r = await h.createRoom({ actorId: creator, name: 'hot', memberIds: members });
if (!r.ok) throw new Error();
let done = 0;
const deadline = performance.now() + 5000;
stats.clear();
const t0 = performance.now();
await Promise.all(members.map(async (m, i) => { for (let n = 0; performance.now() < deadline; n++) { await h.sendMessage({ actorId: m, roomId: r.room.id, message: `x${n}` }); done++; } }));
const el = (performance.now() - t0) / 1000;
console.log('msgs/s', Math.round(done / el));
for (const [k, v] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(v.n, (v.ms / v.n).toFixed(2), 'ms avg', k);
await pool.end(); await pg.stop(); await rm(dir, { recursive: true, force: true });
