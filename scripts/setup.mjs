// npm run setup: install and build what `npm test` and `npm start` need (npm packages, FerretDB,
// the H5 and weapp builds, Chromium, schemathesis) without running anything, so single test
// files can be run straight after a fresh clone.
import { prepareForTests } from './lib/prepare.mjs';

try {
  prepareForTests();
} catch (err) {
  process.stderr.write(`\n✗ ${err.message}\n`);
  process.exit(1);
}
