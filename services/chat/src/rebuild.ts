import { z } from 'zod';
import { ConfigError, createLogger, createPool, loadConfig, migrate } from '@chatrt/service-kit';
import { fileURLToPath } from 'node:url';
import { rebuildReadModels } from './adapters/projections/rebuild.ts';

// `npm run chat:rebuild` (add `-- --verify` to compare without swapping): replays chat.events into
// fresh read-model tables and swaps them in. Safe while the service runs.
const schema = z.object({
  DATABASE_URL: z.string({ error: 'is required (postgres://user:password@host:port/database)' }).min(1, 'is required'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

let env: z.infer<typeof schema>;
try {
  env = loadConfig('chat-rebuild', schema);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
const log = createLogger('chat-rebuild', env.LOG_LEVEL);
const mode = process.argv.includes('--verify') ? 'verify' : 'swap';
const pool = createPool(env.DATABASE_URL, log, 4);
try {
  await migrate(env.DATABASE_URL, {
    schema: 'chat',
    dir: fileURLToPath(new URL('../migrations', import.meta.url)),
    log,
  });
  const report = await rebuildReadModels({ pool, log, mode });
  const differing = Object.entries(report.differences).filter(([, n]) => n > 0);
  if (differing.length > 0) {
    log.error({ differences: report.differences }, 'live read models differ from the rebuilt ones');
    process.exitCode = 1;
  }
} catch (err) {
  log.fatal({ err }, 'rebuild failed');
  process.exitCode = 1;
} finally {
  await pool.end();
}
