// The BFF compiled for production: `bff/src` → `bff/dist` (one .js per .ts, same layout, so
// code that finds the repo from its own folder still does), and `shared/src` bundled into
// `bff/dist/node_modules/@yiyangtong/shared`, which Node finds before the workspace link
// (whose `main` is TypeScript). npm packages stay in the root node_modules.
// esbuild only strips types: `npm run typecheck` (tsc) checks them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bffDist = path.join(root, 'bff', 'dist');
const stampFile = path.join(bffDist, '.build-stamp');
const sources = [
  path.join(root, 'bff', 'src'),
  path.join(root, 'shared', 'src'),
  fileURLToPath(import.meta.url),
  path.join(root, 'package-lock.json'),
];

const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  if (!fs.statSync(p).isDirectory()) return mtime(p);
  let n = 0;
  for (const entry of fs.readdirSync(p)) n = Math.max(n, newest(path.join(p, entry)));
  return n;
}

function tsFilesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    return entry.isFile() && file.endsWith('.ts') && !file.endsWith('.d.ts') ? [file] : [];
  });
}

/** True when bff/dist is missing or older than any source it is built from. */
export function bffBuildIsStale() {
  const built = mtime(stampFile);
  return !built || sources.some((s) => newest(s) > built);
}

export async function buildBff() {
  const esbuild = await import('esbuild');
  const started = new Date(); // the stamp's time: a source edited during the build stays newer
  // Built beside and swapped in, so a server starting meanwhile never loads half a build
  // (tests may build from two jest workers at once).
  const tmp = `${bffDist}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const common = { platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
  await esbuild.build({
    ...common,
    entryPoints: tsFilesUnder(path.join(root, 'bff', 'src')),
    outbase: path.join(root, 'bff', 'src'),
    outdir: tmp,
  });
  const sharedOut = path.join(tmp, 'node_modules', '@yiyangtong', 'shared');
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'shared', 'src', 'index.ts')],
    bundle: true,
    packages: 'external', // zod, dayjs: from the root node_modules
    outfile: path.join(sharedOut, 'index.js'),
  });
  fs.writeFileSync(
    path.join(sharedOut, 'package.json'),
    `${JSON.stringify({ name: '@yiyangtong/shared', private: true, main: 'index.js' }, null, 2)}\n`,
  );
  const stamp = path.join(tmp, '.build-stamp');
  fs.writeFileSync(stamp, `${started.toISOString()}\n`);
  fs.utimesSync(stamp, started, started);
  const old = `${bffDist}.old-${process.pid}`;
  if (fs.existsSync(bffDist)) fs.renameSync(bffDist, old);
  try {
    fs.renameSync(tmp, bffDist);
  } catch (err) {
    // Another process put its build there first: same sources, keep that one.
    if (!fs.existsSync(bffDist)) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
}
