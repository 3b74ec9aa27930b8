/**
 * The atomic backend for the invariant tests (`npm test` runs them a second time on it,
 * `TEST_DATABASE=atomic`): mongo-java-server's memory backend, an independent MongoDB-wire
 * server whose single-document updates are atomic, as MongoDB's are (measured here: 50
 * concurrent conditional decrements of a stock of 20 sell exactly 20). The BFF sees no
 * FerretDB there, so its write lock runs in `atomic` mode: conditions in the update filter,
 * no in-process chain — the path production's MongoDB takes, which `mongod` cannot be
 * installed here to exercise.
 *
 * What it cannot do (so those tests stay on FerretDB only): it ignores non-unique indexes
 * and has no `explain` (the index-usage test), no PostgreSQL (raw-storage tests), no
 * transactions (we use none), and it keeps data in memory (no crash tests).
 *
 * Built once from Maven Central into .tools/mongo-java-server/ (Java 17 and Maven).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { canConnect, freePort, repoRoot } from '../../bff/src/db/ferretdb';
import { SetupError, startServerProcess } from '../../bff/src/db/server-process';

const source = path.join(repoRoot, 'tools', 'mongo-java-server');
const target = path.join(repoRoot, '.tools', 'mongo-java-server');
const classes = path.join(target, 'classes');
const lib = path.join(target, 'lib');
const mainClass = 'AtomicTestServer';

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { cwd: source, encoding: 'utf8' });
  if (res.error || res.status !== 0)
    throw new SetupError(
      `${cmd} ${args.join(' ')} failed:\n${res.error?.message ?? ''}${res.stdout}${res.stderr}`,
    );
}

/** Fetches the jars and compiles the launcher when missing or older than their sources. */
export function ensureAtomicServerBuilt(): void {
  const built = path.join(classes, `${mainClass}.class`);
  const sources = [path.join(source, 'pom.xml'), path.join(source, 'src', `${mainClass}.java`)];
  const mtime = (p: string) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);
  if (mtime(built) > Math.max(...sources.map(mtime))) return;
  fs.rmSync(target, { recursive: true, force: true });
  run('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`]);
  run('javac', ['-d', classes, '-cp', `${lib}/*`, sources[1]]);
}

export async function startAtomicServer(): Promise<{ uri: string; stop(): Promise<void> }> {
  const port = await freePort();
  const server = await startServerProcess({
    name: 'mongo-java-server',
    command: 'java',
    args: ['-Xmx512m', '-cp', `${classes}:${lib}/*`, mainClass, String(port)],
    ready: () => canConnect(port),
    timeoutMs: 30_000,
    pollMs: 100,
  });
  return { uri: `mongodb://127.0.0.1:${port}`, stop: () => server.stop('SIGTERM', 3_000) };
}
