// Used by `npm start` / `npm test`: builds the embedded FerretDB once (a clear error if Go is missing).
import { ensureFerretdbBuilt, SetupError } from './ferretdb';

try {
  const binary = ensureFerretdbBuilt((m) => process.stdout.write(`  ${m}\n`));
  process.stdout.write(`  ${binary}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof SetupError ? err.message : String(err)}\n`);
  process.exit(1);
}
