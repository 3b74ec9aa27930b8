// Steps shared by `npm start`, `npm test` and `npm run bench`: each one does nothing
// when its result is already there, so a second run starts at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bffBuildIsStale, buildBff } from './build-bff.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

export function step(title) {
  process.stdout.write(`\n▶ ${title}\n`);
  return Date.now();
}

export function done(started, what) {
  process.stdout.write(`  ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

function newestUnder(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(p) : mtime(p));
  }
  return newest;
}

/** npm dependencies: installed from the lock file when node_modules is missing or older. */
export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (mtime(marker) && mtime(marker) >= mtime(lock)) return;
  const t = step('Installing npm dependencies');
  run(
    'npm',
    fs.existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'],
  );
  done(t, 'dependencies installed');
}

/** The embedded database: FerretDB v1.24.2 built with Go into .tools/ (skipped with MONGODB_URI). */
export function ensureFerretdb() {
  if (process.env.MONGODB_URI) return;
  const t = step('Checking the embedded database (FerretDB v1.24.2)');
  run(bin('tsx'), [path.join(root, 'bff/src/db/build-cli.ts')]);
  done(t, 'FerretDB ready');
}

/** The H5 app, rebuilt when any miniapp source is newer than the build. */
export function ensureH5Built({ force = false } = {}) {
  const index = path.join(root, 'miniapp', 'dist-h5', 'index.html');
  const sources = Math.max(
    newestUnder(path.join(root, 'miniapp', 'src')),
    newestUnder(path.join(root, 'shared', 'src')),
  );
  if (!force && mtime(index) > sources) return;
  const t = step('Building the H5 app (miniapp → miniapp/dist-h5)');
  run('npm', ['run', 'build:h5', '-w', 'miniapp']);
  done(t, 'H5 app built');
}

/** The BFF compiled to JavaScript (bff/dist), rebuilt when a bff/ or shared/ source is newer. */
export async function ensureBffBuilt({ force = false } = {}) {
  if (!force && !bffBuildIsStale()) return;
  const t = step('Compiling the BFF (bff/src + shared/src → bff/dist)');
  await buildBff();
  done(t, 'BFF compiled');
}

export function ensureWeappBuilt() {
  const appJson = path.join(root, 'miniapp', 'dist', 'app.json');
  const sources = Math.max(
    newestUnder(path.join(root, 'miniapp', 'src')),
    newestUnder(path.join(root, 'shared', 'src')),
  );
  if (mtime(appJson) > sources) return;
  const t = step('Building the WeChat mini-program (miniapp → miniapp/dist)');
  run('npm', ['run', 'build:weapp', '-w', 'miniapp']);
  done(t, 'weapp built');
}

/** Schemathesis, pinned, for tests/api/schemathesis.test.ts: a Python venv under .tools/ (PyPI only). */
export const SCHEMATHESIS_VERSION = '4.32.5';
export function ensureSchemathesis() {
  const venv = path.join(process.env.YYT_TOOLS_DIR || path.join(root, '.tools'), 'schemathesis-venv');
  const st = path.join(venv, 'bin', 'st');
  const marker = path.join(venv, `.schemathesis-${SCHEMATHESIS_VERSION}`);
  if (fs.existsSync(st) && fs.existsSync(marker)) return;
  const t = step(`Installing schemathesis ${SCHEMATHESIS_VERSION} (python3 -m venv, pip from PyPI)`);
  fs.rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-input',
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  fs.writeFileSync(marker, '');
  done(t, 'schemathesis installed');
}

/** Debian's Chromium for the browser tests (never a browser download of a test tool's own). */
export function ensureChromium() {
  if (fs.existsSync('/usr/bin/chromium')) return;
  const t = step('Installing Chromium (apt-get install -y chromium)');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'Chromium is missing: run `sudo apt-get install -y chromium` (the browser tests use /usr/bin/chromium).',
    );
  }
  run('apt-get', ['update'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  done(t, 'Chromium installed');
}

/** The Taro builds do not typecheck, so the whole repo is checked here (strict TypeScript). */
export function typecheck() {
  const t = step('Typechecking (tsc: shared, bff, tests; miniapp)');
  run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  run(bin('tsc'), ['-p', 'miniapp/tsconfig.json', '--noEmit']);
  done(t, 'types check');
}

/** ESLint (typescript-eslint, React hooks) and Prettier over the whole repo. */
export function lint() {
  const t = step('Linting (eslint, prettier)');
  run(path.join(root, 'tests', 'node_modules', '.bin', 'eslint'), ['-c', 'tests/eslint.config.mjs', '.']);
  run(bin('prettier'), ['--check', '.', '--log-level', 'warn']);
  done(t, 'lint clean');
}

/**
 * Everything `npm test` and `npm run setup` need before a test can run, in one list: npm
 * packages, FerretDB, the H5 and weapp builds, Chromium, schemathesis. Throws with the reason.
 */
export function prepareForTests() {
  ensureDependencies();
  ensureFerretdb();
  ensureH5Built();
  ensureWeappBuilt();
  ensureChromium();
  ensureSchemathesis();
}
