// Starts the server once for every e2e test: a fresh SQLite database filled by
// `insightcrm demo` (fixed seed and end day: the same records on every run),
// two trained models, `insightcrm serve` on a free loopback port. The base URL
// and the demo's accounts reach the workers through the environment
// (e2e/fixtures.ts); the returned function stops the server.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Accounts } from './fixtures';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(cmd: string, argv: string[], input?: string) {
  const r = spawnSync(cmd, argv, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, ms: number) {
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

export default async function globalSetup() {
  const binary = resolve(process.env.ICRM_BINARY ?? join(root, 'build', 'insightcrm'));
  const webDir = join(root, 'web', 'dist');
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  for (const [what, path] of [
    ['server binary', binary],
    ['built dashboard', join(webDir, 'index.html')],
    ['Chromium', chromium],
  ]) {
    if (!existsSync(path)) throw new Error(`${what} missing: ${path}`);
  }
  mkdirSync(join(root, 'build', 'e2e-screenshots'), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'icrm-e2e-'));
  const db = `sqlite:${join(dir, 'e2e.db')}`;
  run(binary, ['migrate', '--db', db]);
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
  const accounts: Accounts = {};
  for (const line of demo.stderr.split('\n')) {
    const [role, email, password] = line.trim().split('\t');
    if (password && email?.includes('@')) accounts[email.split('@')[0]] = { email, password, role };
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
  const logPath = join(root, 'build', 'e2e-server.log');
  const server = spawn(
    binary,
    // The e2e webhook goes to an http receiver on 127.0.0.1: allowed explicitly.
    [
      'serve',
      '--db',
      db,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--web',
      webDir,
      '--webhook-allow-http',
      '--webhook-allow',
      '127.0.0.1/32',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  server.stderr.pipe(createWriteStream(logPath));
  try {
    await waitFor(`${base}/readyz`, 15000);
  } catch (e) {
    server.kill('SIGTERM');
    throw e;
  }
  process.env.ICRM_E2E_BASE_URL = base;
  process.env.ICRM_E2E_ACCOUNTS = JSON.stringify(accounts);
  console.log(`e2e server at ${base} (its log: ${logPath})`);

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
