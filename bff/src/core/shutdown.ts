/**
 * Graceful stop: on SIGTERM (a deploy, systemd, a cluster primary) or SIGINT (Ctrl+C) the
 * server stops accepting connections at once, lets the requests it has already received
 * finish (up to `timeoutMs`, then their connections are cut), closes keep-alive connections
 * as soon as they are idle, and only then runs `afterClose` (closing the database), so no
 * request loses its database half-way and no client waits on a dead socket.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface GracefulStopOptions {
  /** How long requests already received may still take. */
  timeoutMs: number;
  /** Runs once the server has closed: close the database here. */
  afterClose: () => Promise<void>;
  log: Logger;
}

/** Starts tracking the server's requests; the returned function stops it gracefully (once). */
export function gracefulStop(server: Server, opts: GracefulStopOptions): () => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    // The last answer on its connection: the client opens a new one (to another process).
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => inFlight.delete(res));
  });

  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Node ≥ 19's close() also ends keep-alive connections once they are idle.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const cut = setTimeout(() => {
        opts.log.warn({ requests: inFlight.size }, 'shutdown: requests still running after the timeout, cut');
        server.closeAllConnections();
      }, opts.timeoutMs);
      await closed;
      clearTimeout(cut);
      await opts.afterClose();
    })();
    return stopped;
  };
}

/**
 * SIGTERM/SIGINT → graceful stop, then exit 0 (1 if closing the database failed). A signal may
 * come twice (to the process group and relayed by npm): the second one changes nothing.
 */
export function stopOnSignals(server: Server, opts: GracefulStopOptions): void {
  const stop = gracefulStop(server, opts);
  const onSignal = (signal: NodeJS.Signals) => {
    opts.log.info({ signal }, 'shutdown: stopping');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        opts.log.error({ err }, 'shutdown: closing failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
