/**
 * `npm run contracts:breaking -- <git-ref>`: compares asyncapi.yaml and openapi.yaml at the ref with the working
 * tree and exits 1 when a change would break deployed clients or services, unless the spec's `info.version`
 * major was bumped. Each change is printed with the route, operation or message path it concerns.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { findBreakingChanges, isBlocking } from './breaking-changes.ts';

const run = promisify(execFile);
const rootDir = fileURLToPath(new URL('../../../', import.meta.url));
const specs = ['asyncapi.yaml', 'openapi.yaml'] as const;
/**
 * Breaking changes a reviewer accepted without a major bump, each with its reason: e.g. a spec corrected to say
 * what the services always enforced, so no deployed client can break. Only entries the ref does not have yet
 * apply, so an acceptance covers the change it was written for and nothing after it has landed.
 */
const acceptedFile = 'packages/contracts/breaking-accepted.yaml';
type Acceptance = { change: string; reason: string };

function acceptances(text: string | undefined): Acceptance[] {
  const parsed = text ? (parseYaml(text) as { accepted?: Acceptance[] } | null) : null;
  return parsed?.accepted ?? [];
}

const ref = process.argv[2];
if (!ref) {
  console.error('usage: npm run contracts:breaking -- <git-ref>   (e.g. main, HEAD~1, a tag)');
  process.exit(2);
}

const baseDir = await mkdtemp(join(tmpdir(), 'contracts-base-'));
try {
  for (const spec of specs) {
    const shown = await run('git', ['show', `${ref}:${spec}`], { cwd: rootDir, maxBuffer: 64 * 1024 * 1024 }).catch(
      () => undefined,
    );
    if (!shown) {
      console.log(`contracts:breaking: ${ref} has no ${spec}; nothing to compare`);
      process.exit(0);
    }
    await writeFile(join(baseDir, spec), shown.stdout);
  }
  const atRef = await run('git', ['show', `${ref}:${acceptedFile}`], { cwd: rootDir }).catch(() => undefined);
  const alreadyLanded = new Set(acceptances(atRef?.stdout).map((a) => a.change));
  const accepted = acceptances(await readFile(join(rootDir, acceptedFile), 'utf8').catch(() => undefined)).filter(
    (a) => !alreadyLanded.has(a.change),
  );
  let blocked = false;
  for (const found of await findBreakingChanges(baseDir, rootDir)) {
    const acceptance = (change: string) => accepted.find((a) => change.includes(a.change));
    for (const change of found.changes) {
      const accepting = acceptance(change);
      if (accepting) console.log(`${found.spec}: accepted (${accepting.reason}): ${change}`);
    }
    const verdict = { ...found, changes: found.changes.filter((change) => !acceptance(change)) };
    const versions = `${verdict.baseVersion} → ${verdict.headVersion}`;
    if (verdict.changes.length === 0) {
      console.log(`${verdict.spec}: no breaking change since ${ref} (${versions})`);
      continue;
    }
    const label = verdict.majorBumped
      ? `allowed, major version bumped (${versions})`
      : `not allowed without a major version bump (${versions})`;
    console.log(`${verdict.spec}: ${verdict.changes.length} breaking change(s) since ${ref}, ${label}:`);
    for (const change of verdict.changes) console.log(`  ${change}`);
    blocked ||= isBlocking(verdict);
  }
  if (blocked) {
    console.error(
      'contracts:breaking: failed. Add instead of change, ' +
        'or bump info.version\'s major (see README, "Changing a contract").',
    );
    process.exitCode = 1;
  }
} finally {
  await rm(baseDir, { recursive: true, force: true });
}
