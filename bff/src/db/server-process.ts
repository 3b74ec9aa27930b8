/**
 * A database server we run as a child process (PostgreSQL, FerretDB): started, waited for
 * until it answers, stopped with its own shutdown signal (then SIGKILL after a grace time).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A database the project starts itself could not be set up or started (the message says why). */
export class SetupError extends Error {}

export interface ServerProcess {
  child: ChildProcess;
  exited(): boolean;
  /** Sends `signal`, and SIGKILL if it has not exited after `graceMs`. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

/**
 * Spawns `command` and resolves once `ready()` is true; throws SetupError with the end of
 * its stderr if it exits first or is not ready within `timeoutMs`.
 */
export async function startServerProcess(opts: {
  name: string;
  command: string;
  args: string[];
  spawn?: SpawnOptions;
  ready: () => Promise<boolean>;
  timeoutMs: number;
  pollMs: number;
}): Promise<ServerProcess> {
  const child = spawn(opts.command, opts.args, { ...opts.spawn, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await opts.ready())) {
    if (exited) throw new SetupError(`${opts.name} exited at start:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new SetupError(`${opts.name} was not ready within ${opts.timeoutMs / 1000} s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  return {
    child,
    exited: () => exited,
    stop: (signal, graceMs) =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill(signal);
      }),
  };
}
