// What every e2e case shares: the server global-setup.ts started, the demo's
// accounts, a screenshot after each case, and the helpers the cases use.
import { test as base, expect, type Page } from '@playwright/test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Account = { email: string; password: string; role?: string };
export type Accounts = Record<string, Account>;

const shots = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'build',
  'e2e-screenshots',
);

export const test = base.extend<{ accounts: Accounts; screenshotAfter: void }>({
  baseURL: process.env.ICRM_E2E_BASE_URL,
  // eslint-disable-next-line no-empty-pattern -- Playwright's fixture signature; this one needs no other fixture
  accounts: async ({}, use) => use(JSON.parse(process.env.ICRM_E2E_ACCOUNTS ?? '{}')),
  screenshotAfter: [
    async ({ page }, use, info) => {
      if (process.env.E2E_DEBUG) {
        page.on('console', (m) => console.log(`  console: ${m.text()}`));
        page.on('response', (r) => {
          if (r.request().method() !== 'GET')
            console.log(`  ${r.request().method()} ${r.url()} -> ${r.status()}`);
        });
      }
      await use();
      await page
        .screenshot({ path: join(shots, `${info.title}.png`), fullPage: true })
        .catch(() => {});
    },
    { auto: true },
  ],
});

export function check(cond: unknown, message: string): asserts cond {
  expect(cond, message).toBeTruthy();
}

export async function login(page: Page, account: Account) {
  await page.goto('/');
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('role').waitFor();
}

// The same formatting the dashboard uses (src/format.ts), for comparing.
export const int = (n: number) => new Intl.NumberFormat('en-GB').format(n);
export const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
export const money = (minor: number, currency: string) =>
  new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency,
    maximumFractionDigits: Math.abs(minor) >= 100_000_00 ? 0 : 2,
  }).format(minor / 100);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, checked field by field in the cases
export async function apiGet(page: Page, path: string): Promise<any> {
  const r = await page.request.get(path);
  check(r.ok(), `${path}: ${r.status()} ${await r.text()}`);
  return r.json();
}

export async function apiStatus(page: Page, path: string) {
  return (await page.request.get(path)).status();
}

export { expect };
