// End-to-end tests of the dashboard with Playwright's runner: the real server
// binary on a fresh demo database (e2e/global-setup.ts), Debian's Chromium (no
// browser is downloaded). Each test saves a screenshot under
// build/e2e-screenshots/.
//
//   ICRM_BINARY=../build/insightcrm npx playwright test [-g NAME]
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: '../build/e2e-results',
  // Two files, one worker each (2 cores): the read-only cases beside the ones
  // that change data, which run in their file's order.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    viewport: { width: 1280, height: 900 },
    // The old runner's 10 s, doubled: two workers sign in at once (Argon2) on
    // the 2 shared cores.
    actionTimeout: 20_000,
    navigationTimeout: 10_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
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
