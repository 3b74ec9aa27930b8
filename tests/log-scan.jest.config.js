// The log scan, run by scripts/test.mjs after the main suite (tests/jest.config.js) has written
// every BFF's logs to .cache/test-logs/: no database, no global setup.
const path = require('path');
const root = path.resolve(__dirname, '..');
module.exports = {
  rootDir: root,
  displayName: 'log-scan',
  testMatch: ['<rootDir>/tests/log-scan/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@yiyangtong/shared$': '<rootDir>/shared/src/index.ts',
    '^@yiyangtong/shared/(.*)$': '<rootDir>/shared/src/$1',
  },
  testEnvironment: 'node',
  // A whole suite's logs (hundreds of thousands of lines) on a busy 2-core machine: jest's
  // default 5 s is not a scan's time.
  testTimeout: 600000,
};
