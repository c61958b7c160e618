import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFile(`${root}${path}`, 'utf8');

/** The variables a config schema reads: its `NAME: …` keys. */
async function variablesOf(path: string): Promise<string[]> {
  return [...(await read(path)).matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

describe('every variable the services read is documented', () => {
  it('in .env.example and in the README', async () => {
    const configs = [
      'packages/service-kit/src/config.ts',
      ...['auth', 'chat', 'notify', 'gateway'].map((s) => `services/${s}/src/config.ts`),
    ];
    const variables = new Set((await Promise.all(configs.map(variablesOf))).flat());
    expect(variables.size).toBeGreaterThan(30);
    const [example, readme] = [await read('.env.example'), await read('README.md')];
    // `npm start` sets each service's OPS_PORT from AUTH_OPS_PORT, CHAT_OPS_PORT and NOTIFY_OPS_PORT.
    const documentedAs = (name: string) => (name === 'OPS_PORT' ? 'AUTH_OPS_PORT' : name);
    const missing = [...variables].flatMap((name) => {
      const shown = documentedAs(name);
      return [
        ...(new RegExp(`^#? ?${shown}=`, 'm').test(example) ? [] : [`${name} in .env.example`]),
        ...(readme.includes(`\`${shown}\``) ? [] : [`${name} in README.md`]),
      ];
    });
    expect(missing).toEqual([]);
  });
});
