/**
 * A BFF in a process of its own (tests/harness/child-server.ts) on a given database, for
 * what must hold across processes and crashes. Started as `node --import tsx` (not the tsx
 * wrapper) so that a SIGKILL reaches the server itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ApiClient } from './client';

const root = path.resolve(__dirname, '../..');

export interface ChildBff {
  api: ApiClient;
  process: ChildProcess;
}

export interface ChildBffOptions {
  uri: string;
  postgresUrl?: string;
  dbName: string;
  admin: { phone: string; password: string; name: string };
  /** Create the admin (the first process on an empty database). */
  bootstrap: boolean;
  jwtSecret?: string;
  env?: Record<string, string>;
}

export async function startChildBff(opts: ChildBffOptions): Promise<ChildBff> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'tests/harness/child-server.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...opts.env,
        CHILD_MONGO_URI: opts.uri,
        CHILD_PG_URL: opts.postgresUrl ?? '',
        CHILD_DB: opts.dbName,
        CHILD_JWT_SECRET: opts.jwtSecret ?? 'child-bff-secret',
        CHILD_ADMIN: JSON.stringify(opts.admin),
        CHILD_BOOTSTRAP: opts.bootstrap ? '1' : '0',
      },
    },
  );
  // What it writes to stderr (a crash's stack) is shown and, like its logs, kept for the log scan.
  child.stderr!.pipe(process.stderr);
  if (process.env.LOG_COPY_DIR) {
    fs.mkdirSync(process.env.LOG_COPY_DIR, { recursive: true });
    child.stderr!.pipe(fs.createWriteStream(path.join(process.env.LOG_COPY_DIR, `stderr-${child.pid}.log`)));
  }
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child server exited with ${code}`)));
  });
  return { api: new ApiClient(`http://127.0.0.1:${JSON.parse(line).port}`), process: child };
}
