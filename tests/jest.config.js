// One jest run, three kinds of test. API and browser tests share one FerretDB (or mongod)
// per jest worker, started in globalSetup; every test file gets its own database in it.
const path = require('path');
const root = path.resolve(__dirname, '..');
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
const common = {
  rootDir: root,
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: {
    '^@yiyangtong/shared$': '<rootDir>/shared/src/index.ts',
    // the mini-program imports single modules as @yiyangtong/shared/src/<name> (keeps the weapp small)
    '^@yiyangtong/shared/src/(.*)$': '<rootDir>/shared/src/$1',
    '^@yiyangtong/shared/(.*)$': '<rootDir>/shared/src/$1',
  },
  testEnvironment: 'node',
  // The compiled BFF (npm start) holds a copy of @yiyangtong/shared: tests use the sources.
  modulePathIgnorePatterns: ['<rootDir>/bff/dist/'],
};
module.exports = {
  rootDir: root,
  // testTimeout is a global option (jest ignores it inside projects).
  testTimeout: 120000,
  globalSetup: '<rootDir>/tests/harness/global-setup.ts',
  globalTeardown: '<rootDir>/tests/harness/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'api',
      testMatch: ['<rootDir>/tests/api/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
    },
  ],
};
