// npm run setup: install and build what `npm test` and `npm start` need (npm packages, FerretDB,
// the H5 and weapp builds, Chromium, schemathesis) without running anything, so single test
// files can be run straight after a fresh clone.
import {
  ensureChromium,
  ensureDependencies,
  ensureFerretdb,
  ensureH5Built,
  ensureSchemathesis,
  ensureWeappBuilt,
} from './lib/prepare.mjs';

try {
  ensureDependencies();
  ensureFerretdb();
  ensureH5Built();
  ensureWeappBuilt();
  ensureChromium();
  ensureSchemathesis();
} catch (err) {
  process.stderr.write(`\n✗ ${err.message}\n`);
  process.exit(1);
}
