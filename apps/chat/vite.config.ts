import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const appDir = fileURLToPath(new URL('.', import.meta.url));

/** Variables of the seed's `.env` that the page reads at build time (all optional: see src/config.ts). */
const envPrefix = 'NEXT_PUBLIC_';

/**
 * Writes `dist/build-info.json` with the NEXT_PUBLIC_* values baked into this build, so that a stale or
 * specially configured build is visible (the browser tests rebuild when it is not a plain one).
 */
function buildInfo(baked: Record<string, string>): Plugin {
  return {
    name: 'chat-build-info',
    apply: 'build',
    async writeBundle(options) {
      const outDir = options.dir ?? `${appDir}dist`;
      await writeFile(
        `${outDir}/build-info.json`,
        `${JSON.stringify({ builtAt: new Date().toISOString(), env: baked }, null, 2)}\n`,
      );
    },
  };
}

export default defineConfig(({ mode }) => {
  const baked = loadEnv(mode, appDir, envPrefix);
  return {
    root: appDir,
    base: '/apps/chat/',
    envPrefix: [envPrefix],
    plugins: [react(), buildInfo(baked)],
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
    // `npm run dev -w @chatrt/chat-app` next to `npm start`: the API stays same-origin through the proxy.
    server: { proxy: { '/api': 'http://localhost:3000', '/apps/chat/config.json': 'http://localhost:3000' } },
  };
});
