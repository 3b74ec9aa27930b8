// npm start: install what is missing, build FerretDB, the H5 app and the BFF, then serve API + H5
// with node on the compiled BFF (no TypeScript compiler at run time).
// `npm run start:cluster` (this script with --cluster): the same on several processes (bff/src/cluster.ts).
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ensureBffBuilt, ensureDependencies, ensureFerretdb, ensureH5Built, root } from './lib/prepare.mjs';

const entry = process.argv.includes('--cluster') ? 'cluster.js' : 'server.js';
try {
  ensureDependencies();
  ensureFerretdb();
  ensureH5Built();
  await ensureBffBuilt();
} catch (err) {
  process.stderr.write(`\n✗ ${err.message}\n`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'bff', 'dist', entry)], {
  cwd: root,
  stdio: 'inherit',
  env: { SEED_DEMO: '1', NODE_ENV: 'production', ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
