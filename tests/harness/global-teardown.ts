export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { __yytServers?: { stop(): Promise<unknown> }[] }).__yytServers ?? [];
  for (const s of servers) await s.stop();
}
