// End-to-end tests of the dashboard: the real server binary on a fresh SQLite
// database filled by `insightcrm demo`, Debian's Chromium driven by
// playwright-core (no browser is downloaded). Each test saves a screenshot
// under build/e2e-screenshots/. Exit code 0 when every test passed.
//
//   node e2e/run.mjs [--binary PATH] [--only NAME]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tests } from './tests.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const binary = resolve(
  opt('--binary', process.env.ICRM_BINARY ?? join(root, 'build', 'insightcrm')),
);
const only = opt('--only', null);
const webDir = join(root, 'web', 'dist');
const shots = join(root, 'build', 'e2e-screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function run(cmd, argv, input) {
  const r = spawnSync(cmd, argv, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  for (const [what, path] of [
    ['server binary', binary],
    ['built dashboard', join(webDir, 'index.html')],
    ['Chromium', CHROMIUM],
  ]) {
    if (!existsSync(path)) throw new Error(`${what} missing: ${path}`);
  }
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'icrm-e2e-'));
  const db = `sqlite:${join(dir, 'e2e.db')}`;
  let server;
  let browser;
  try {
    run(binary, ['migrate', '--db', db]);
    // Fixed end day and seed: the same records on every run.
    const demo = run(binary, [
      'demo',
      '--db',
      db,
      '--customers',
      '300',
      '--leads',
      '300',
      '--transactions',
      '1200',
      '--end',
      '2026-11-20',
    ]);
    const accounts = {};
    for (const line of demo.stderr.split('\n')) {
      const [role, email, password] = line.trim().split('\t');
      if (password && email?.includes('@'))
        accounts[email.split('@')[0]] = { email, password, role };
    }
    accounts.viewer = { email: 'viewer@insightcrm.local', password: 'viewer-password-123' };
    run(
      binary,
      [
        'user',
        'add',
        '--db',
        db,
        '--email',
        accounts.viewer.email,
        '--name',
        'Vera Viewer',
        '--role',
        'viewer',
        '--password-stdin',
      ],
      `${accounts.viewer.password}\n`,
    );
    run(binary, ['train', '--db', db, '--entity', 'leads', '--model', 'lr']);
    // Churn scores, so a customer's page has a churn risk to show.
    run(binary, ['train', '--db', db, '--entity', 'customers', '--model', 'lr']);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(
      binary,
      ['serve', '--db', db, '--host', '127.0.0.1', '--port', String(port), '--web', webDir],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let serverLog = '';
    server.stderr.on('data', (d) => (serverLog += d));
    await waitFor(`${base}/readyz`, 15000);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });

    let failed = 0;
    for (const t of tests) {
      if (only && t.name !== only) continue;
      const context = await browser.newContext({
        viewport: t.viewport ?? { width: 1280, height: 900 },
        baseURL: base,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(10000);
      if (process.env.E2E_DEBUG) {
        page.on('console', (m) => console.log(`  console: ${m.text()}`));
        page.on(
          'response',
          (r) =>
            r.request().method() !== 'GET' &&
            console.log(`  ${r.request().method()} ${r.url()} -> ${r.status()}`),
        );
      }
      const started = Date.now();
      try {
        await t.run({ page, context, base, accounts });
        console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}: ${e?.stack ?? e}`);
      } finally {
        await page
          .screenshot({ path: join(shots, `${t.name}.png`), fullPage: true })
          .catch(() => {});
        await context.close();
      }
    }
    if (failed) {
      console.log(`${failed} e2e test(s) failed; screenshots in ${shots}`);
      console.log(serverLog.split('\n').slice(-20).join('\n'));
      process.exitCode = 1;
    } else {
      console.log(`all e2e tests passed; screenshots in ${shots}`);
    }
  } finally {
    await browser?.close();
    if (server) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
