import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { startTestServer, type TestServer } from './server';

/**
 * A browser test file's set-up: the app (API + built H5, its own database) and Chromium
 * started once before the file's tests and stopped after them. Call at the top of the file,
 * before its own beforeAll (jest runs hooks in the order they are declared).
 */
export function useBrowserSuite(overrides?: Parameters<typeof startTestServer>[0]) {
  const suite = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    suite.server = await startTestServer(overrides);
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
