/**
 * Browser tests of the HTML report, with Debian's Chromium (Playwright's own
 * browser download is not used). Run from the project root:
 *   npx playwright test -c reports/browser/playwright.config.ts
 * PMEM_CONFORM_REPORT_JSON=path/to/results.json tests a real run instead of the sample.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../out/browser',
  reporter: [['list']],
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: process.env.PMEM_CONFORM_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
