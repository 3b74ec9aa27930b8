// The invariant tests a second time, on an independent MongoDB-wire server whose single-document
// updates are atomic (mongo-java-server, tests/harness/atomic-server.ts), so the BFF's write lock
// runs in `atomic` mode — production's MongoDB path. scripts/test.mjs runs it after the main suite
// with TEST_DATABASE=atomic. Only tests that rely on no FerretDB/PostgreSQL specifics belong here.
const base = require('./jest.config.js');
const api = base.projects.find((p) => p.displayName === 'api');

const INVARIANTS = [
  'write-lock-backend', // the run really is on the atomic backend, in atomic mode
  'batched-writes', // each document of a batched insert or delete gets its own outcome
  'attempt-markers', // a placement that died: its portions back, its key freed, by the sweep
  'multi-process', // two BFFs: last portion once, one order per key, one subsidy, one transition per click
  'meal-orders', // portions, cut-offs, cancellations giving portions back, idempotency
  'meal-orders-batch',
  'second-meal', // one live meal per elder and slot (the order's unique liveSlot), a second only when asked
  'meal-cards', // the balance never below zero, entries summing to it
  'service-orders', // the visit state machine, one transition per click
  'service-packages', // the last visit of a package drawn once (one and two processes), card paid once
  'sos-reports', // one open alarm per elder
  'standing-orders',
  'standing-orders-processes', // a BFF killed mid-materialisation: one order each
  'accounts',
  'brute-force', // failures counted per phone, IP and family user: on MongoDB without a lease
  'families',
  'elder-records', // a retirement: meals cancelled and refunded, the card paid out to 0 with the ledger summing
  'user-accounts', // a disabled account's token refused at once
];

module.exports = {
  rootDir: base.rootDir,
  testTimeout: base.testTimeout,
  globalSetup: base.globalSetup,
  globalTeardown: base.globalTeardown,
  projects: [
    {
      ...api,
      displayName: 'atomic',
      testMatch: INVARIANTS.map((name) => `<rootDir>/tests/api/${name}.test.ts`),
    },
  ],
};
