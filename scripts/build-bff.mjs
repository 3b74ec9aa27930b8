// npm run build:bff: compile the BFF to bff/dist now (npm start does it when the build is stale).
import { ensureBffBuilt } from './lib/prepare.mjs';

await ensureBffBuilt({ force: true });
