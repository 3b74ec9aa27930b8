// npm start: install what is missing, build FerretDB and the H5 app, then serve API + H5.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ensureDependencies, ensureFerretdb, ensureH5Built, root } from './lib/prepare.mjs';

try {
  ensureDependencies();
  ensureFerretdb();
  ensureH5Built();
} catch (err) {
  process.stderr.write(`\n✗ ${err.message}\n`);
  process.exit(1);
}
const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'bff/src/server.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { SEED_DEMO: '1', ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
