// Run in an image build's copy of the workspace manifests (Dockerfile, stage prod-manifests): removes every
// devDependencies list from the workspaces' package.json files and from the lockfile's entries for them.
// `npm ci --omit=dev --workspace X` still installs what X's devDependencies reach when those are workspaces
// (notify's dev dependency @chatrt/harness would bring the embedded Postgres); without the lists, only
// production dependencies are left, and the manifests and the lockfile still agree, as npm ci requires.
const fs = require('node:fs');

const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path.includes('node_modules/')) continue;
  const file = path === '' ? 'package.json' : `${path}/package.json`;
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete manifest.devDependencies;
  delete entry.devDependencies;
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2));
