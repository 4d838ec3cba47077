// The e2e cases that change data, in this order (later ones rely on the
// decisions earlier ones made; the settings change runs last), and the
// read-only cases whose figures a concurrent change could move. They use leads
// no other case touches.

import type { Page } from '@playwright/test';
import { apiGet, apiStatus, check, int, login, money, pct, test } from './fixtures';

// A lead of `owner` that is open, scored and has no decision yet, taken from
// the end of the ranking so no other case (they take the top) touches it.
async function undecidedLead(page: Page, owner: number) {
  const ranked = (
    await apiGet(page, `/api/v1/lead-ranking?owner_id=${owner}&status=contacted&limit=100`)
  ).items.reverse();
  for (const l of ranked) {
    if (!l.score) continue;
    if ((await apiStatus(page, `/api/v1/leads/${l.id}/decision`)) === 404) return l;
  }
  throw new Error(`user ${owner} has no scored contacted lead without a decision`);
}

const stepIs = (page: Page, state: string) =>
  page.locator(`[data-testid="decision-state"][data-state="${state}"]`).waitFor();

test('overview-kpis-equal-the-api', async ({ page, accounts }) => {
  await login(page, accounts.manager);
  await page.getByTestId('kpi-leads-value').waitFor();
  const k = await apiGet(page, '/api/v1/kpis');
  const text = async (id) => (await page.getByTestId(`kpi-${id}-value`).textContent()).trim();
  check(
    (await text('leads')) === int(k.leads_created),
    `leads: ${await text('leads')} vs ${k.leads_created}`,
  );
  check(
    (await text('conversion')) === pct(k.leads_by_status.converted / k.leads_created),
    `conversion: ${await text('conversion')}`,
  );
  const eur = k.revenue_by_month
    .filter((r) => r.currency === 'EUR')
    .reduce((a, r) => a + r.amount_minor, 0);
  check(
    (await text('revenue')) === money(eur, 'EUR'),
    `revenue: ${await text('revenue')} vs ${money(eur, 'EUR')}`,
  );
  const customers = Object.values(k.customers_by_status).reduce((a, b) => a + b, 0);
  check(
    (await text('retention')) === pct((customers - k.customers_by_status.churned) / customers),
    `retention: ${await text('retention')}`,
  );
  check(
    (await text('hot')) === int(k.leads_by_tier.hot),
    `hot: ${await text('hot')} vs ${k.leads_by_tier.hot}`,
  );
  check(k.leads_created === 300, `the demo made 300 leads, the API counts ${k.leads_created}`);
  // The charts drew (ECharts renders into a canvas).
  check((await page.locator('.chart canvas').count()) >= 7, 'fewer than seven charts rendered');
  check(k.response_by_month.length > 0, 'the demo answered no messages');
  await page.getByTestId('model-quality').waitFor();
});

test('top-ranked-lead-shows-its-factors', async ({ page, accounts }) => {
  await login(page, accounts.manager);
  await page.getByRole('link', { name: 'Leads' }).click();
  const first = page.getByTestId('leads-table').locator('tbody tr').first();
  await first.waitFor();
  check((await first.locator('td').first().textContent()) === '#1', 'the first row is not rank #1');
  const top = (await apiGet(page, '/api/v1/lead-ranking?limit=1')).items[0];
  await first.getByRole('link').click();
  await page.getByTestId('lead-name').waitFor();
  check(
    (await page.getByTestId('lead-name').textContent()) === top.name,
    'opened a lead other than the top-ranked one',
  );
  const factors = page.getByTestId('score').getByTestId('factors').locator('li');
  await factors.first().waitFor();
  const explanation = await apiGet(page, `/api/v1/leads/${top.id}/explanation`);
  check(
    (await factors.count()) === explanation.factors.length && explanation.factors.length > 0,
    'factors differ from the explanation',
  );
  check(
    (await factors.first().textContent()).includes(explanation.factors[0].words),
    'first factor text differs',
  );
});

test('pipeline-drag-persists-and-illegal-moves-explain', async ({ page, accounts }) => {
  await login(page, accounts.admin);
  await page.getByRole('link', { name: 'Pipeline' }).click();
  // The most promising contacted lead: the top card of its column.
  const id = (await apiGet(page, '/api/v1/lead-ranking?status=contacted&limit=1')).items[0].id;
  const testId = `card-${id}`;
  const card = page.getByTestId('column-contacted').getByTestId(testId);
  await card.waitFor();
  await card.scrollIntoViewIfNeeded();
  await card.dragTo(page.getByTestId('column-qualified').locator('h2'), {
    sourcePosition: { x: 4, y: 4 },
  });
  await page.getByTestId('column-qualified').getByTestId(testId).waitFor();
  await page.reload();
  await page.getByTestId('column-qualified').getByTestId(testId).waitFor();
  const lead = await apiGet(page, `/api/v1/leads/${id}`);
  check(lead.status === 'qualified', `status after the drag is ${lead.status}`);
  // qualified -> new is not a legal move: the server's reason is shown.
  await page
    .getByTestId('column-qualified')
    .getByTestId(testId)
    .dragTo(page.getByTestId('column-new').locator('h2'), { sourcePosition: { x: 4, y: 4 } });
  const problem = page.getByTestId('problem');
  await problem.waitFor();
  const detail = await problem.textContent();
  check(detail.includes(`lead ${id} cannot go from qualified to new`), `problem shown: ${detail}`);
  check(
    (await apiGet(page, `/api/v1/leads/${id}`)).status === 'qualified',
    'an illegal move changed the lead',
  );
});

test('lead-timeline-merges-events-activities-and-messages', async ({ page, accounts }) => {
  await login(page, accounts.manager);
  // The lead with the most recent message, so all three sources have something.
  const message = (
    await apiGet(page, '/api/v1/communications?customer_id=null&sort=-occurred_at&limit=1')
  ).items[0];
  check(message && message.lead_id, 'the demo has no message with a lead');
  const id = message.lead_id;
  const [events, activities, messages] = await Promise.all([
    apiGet(page, `/api/v1/events?entity=lead:${id}&limit=50`),
    apiGet(page, `/api/v1/activities?lead_id=${id}&limit=50`),
    apiGet(page, `/api/v1/communications?lead_id=${id}&limit=50`),
  ]);
  await page.goto(`/leads/${id}`);
  const total = events.items.length + activities.items.length + messages.items.length;
  // All three sources arrived: as many entries as the API has.
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="timeline"] li').length === n,
    total,
  );
  const items = page.getByTestId('timeline').locator('li');
  const times = await items
    .locator('time')
    .evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  check(
    times.every((t, i) => i === 0 || times[i - 1] >= t),
    'timeline is not newest first',
  );
  const kinds = new Set(await items.evaluateAll((li) => li.map((l) => l.dataset.kind)));
  check(kinds.has('message'), 'no message on the timeline');
  if (events.items.length > 0) check(kinds.has('event'), 'no event on the timeline');
  // The filter narrows to one kind.
  await page.getByTestId('timeline').scrollIntoViewIfNeeded();
  await page.getByLabel('Show').selectOption('message');
  check((await items.count()) === messages.items.length, 'message filter shows other kinds');
});

test('rep-edits-a-custom-attribute', async ({ page, accounts }) => {
  await login(page, accounts.rep1);
  const me = await apiGet(page, '/api/v1/me');
  const lead = (await apiGet(page, `/api/v1/leads?owner_id=${me.id}&limit=1`)).items[0];
  check(lead, 'rep1 owns no lead');
  await page.goto(`/leads/${lead.id}`);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Add attribute' }).click();
  const n = Object.keys(lead.attributes).length + 1;
  await page.getByLabel(`Attribute ${n} name`).fill('e2e_seats');
  await page.getByLabel(`Attribute ${n} value`).fill('42');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();
  const after = await apiGet(page, `/api/v1/leads/${lead.id}`);
  check(after.attributes.e2e_seats === 42, `stored attribute: ${JSON.stringify(after.attributes)}`);
  await page.getByText('e2e_seats').waitFor();
  // A nameless value is refused in the form, before the server.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Add attribute' }).click();
  await page.getByLabel(`Attribute ${n + 1} value`).fill('orphan');
  await page.getByRole('button', { name: 'Save' }).click();
  check(
    (await page.getByTestId('problem').textContent()).includes('needs a name'),
    'nameless attribute not refused',
  );
});

// Item 1 of the decision card: Decide now, Accept, Complete, persisted
// after a reload; then a decision made elsewhere reaches the open page
// through the live stream.
test('rep-decides-accepts-and-completes-a-next-step', async ({ page, accounts }) => {
  await login(page, accounts.rep1);
  const me = await apiGet(page, '/api/v1/me');
  const lead = await undecidedLead(page, me.id);
  await page.goto(`/leads/${lead.id}`);
  await page.getByTestId('score-history').locator('canvas').first().waitFor();
  const scores = await apiGet(page, `/api/v1/leads/${lead.id}/scores`);
  check(
    (await page.getByTestId('score-history-summary').textContent()).includes(
      scores.items.length === 1 ? 'One score' : `${scores.items.length} scores`,
    ),
    'score history summary differs from the API',
  );
  await page.getByRole('button', { name: 'Decide now' }).click();
  await stepIs(page, 'open');
  const decided = await apiGet(page, `/api/v1/leads/${lead.id}/decision`);
  check(decided.triggered_by === 'on_demand', `decision triggered by ${decided.triggered_by}`);
  check(
    (await page.getByTestId('decision-utility').locator('tbody tr').count()) === 4,
    'not every action has its utility',
  );
  await page.getByRole('button', { name: 'Accept' }).click();
  await stepIs(page, 'accepted');
  await page.getByRole('button', { name: 'Complete' }).click();
  await stepIs(page, 'done');
  await page.reload();
  await stepIs(page, 'done');
  const after = await apiGet(page, `/api/v1/decisions/${decided.id}`);
  check(after.accepted_at !== null, 'acceptance not stored');
  check(
    (await apiGet(page, `/api/v1/activities/${after.activity_id}`)).status === 'done',
    'the step’s activity is not done',
  );
  // A decision made through the API shows up without a reload (SSE).
  await page.getByRole('button', { name: 'Decide again' }).waitFor();
  const posted = await page.request.post(`/api/v1/leads/${lead.id}/decision`, {
    headers: { 'X-Requested-With': 'InsightCRM' },
  });
  check(posted.status() === 201, `deciding again: ${posted.status()} ${await posted.text()}`);
  await stepIs(page, 'open');
});

// After the case above made decisions: the Overview's decision figures
// and the decision log are the API's (as the manager sees them: every lead).
test('overview-decision-kpis-equal-the-api', async ({ page, accounts }) => {
  await login(page, accounts.manager);
  await page.getByTestId('kpi-decisions-value').waitFor();
  const k = await apiGet(page, '/api/v1/decisions/kpis');
  const text = async (id) => (await page.getByTestId(`kpi-${id}-value`).textContent()).trim();
  check(k.decisions > 0, 'no decisions to show');
  check(
    (await text('decisions')) === int(k.decisions),
    `decisions: ${await text('decisions')} vs ${k.decisions}`,
  );
  check(
    (await text('automated')) === pct(k.next_steps.automatic_share),
    `automated: ${await text('automated')} vs ${k.next_steps.automatic_share}`,
  );
  // The decision log lists what the API lists, and filters as it does.
  await page.getByRole('link', { name: 'Decisions' }).click();
  const rows = page.getByTestId('decisions-table').locator('tbody tr');
  await rows.first().waitFor();
  const log = await apiGet(page, '/api/v1/decisions?limit=50');
  check(
    (await rows.count()) === log.items.length,
    `log rows ${await rows.count()} vs ${log.items.length}`,
  );
  const action = log.items[0].action;
  const filtered = await apiGet(page, `/api/v1/decisions?limit=50&action=${action}`);
  await page.getByLabel('Action').selectOption(action);
  await page.waitForFunction(
    ([n, a]) => {
      const cells = [
        ...document.querySelectorAll('[data-testid="decisions-table"] tbody tr td:nth-child(4)'),
      ];
      return cells.length === n && cells.every((c) => c.textContent === a);
    },
    [filtered.items.length, action],
  );
});

test('viewer-sees-the-next-step-but-no-buttons', async ({ page, accounts }) => {
  await login(page, accounts.viewer);
  const d = (await apiGet(page, '/api/v1/decisions?limit=1')).items[0];
  check(d, 'no decision to look at');
  await page.goto(`/leads/${d.lead_id}`);
  await page.getByTestId('decision-action').waitFor();
  await page.getByTestId('decision-utility').waitFor();
  check(
    (await page.getByTestId('decision-actions').count()) === 0,
    'a viewer is offered decision buttons',
  );
  check(
    (await page.getByRole('button', { name: /Decide|Accept|Reject|Complete|outcome/ }).count()) ===
      0,
    'a viewer is offered a decision action',
  );
});

// An event POSTed through the API reaches the Live page (server-sent
// events) within 2 s: its type, registered just for this run, appears in
// the next per-second summary.
test('live-page-shows-a-posted-event', async ({ page, accounts }) => {
  await login(page, accounts.admin);
  const type = `e2e_probe_${Date.now() % 1_000_000}`;
  const headers = { 'X-Requested-With': 'InsightCRM' };
  const registered = await page.request.post('/api/v1/event-types', {
    data: { name: type },
    headers,
  });
  check(
    registered.status() === 201,
    `registering ${type}: ${registered.status()} ${await registered.text()}`,
  );
  await page.getByRole('link', { name: 'Live' }).click();
  await page
    .getByText(/connected/)
    .first()
    .waitFor();
  const leads = await apiGet(page, '/api/v1/leads?limit=1');
  const lead = leads.items[0].id;
  const posted = await page.request.post('/api/v1/events', {
    data: [{ entity: `lead:${lead}`, type, ts: new Date().toISOString() }],
    headers,
  });
  check(posted.status() === 202, `posting the event: ${posted.status()} ${await posted.text()}`);
  await page
    .getByText(new RegExp(`${type} 1`))
    .first()
    .waitFor({ timeout: 2000 });
});

// Runs last: it changes the decision settings every later decision uses.
test('admin-changes-decision-settings-and-manages-a-webhook', async ({ page, accounts }) => {
  await login(page, accounts.admin);
  await page.getByRole('link', { name: 'Admin' }).click();
  const theta = page.getByLabel('θ: high above');
  await theta.waitFor();
  // The server's refusal lands on the field it names.
  await page.getByLabel('Exploration share').fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  const refused = page.getByTestId('setting-exploration-error');
  await refused.waitFor();
  check(
    (await refused.textContent()).includes('exploration must be a number from 0.01 to 1'),
    `field error: ${await refused.textContent()}`,
  );
  await page.getByLabel('Exploration share').fill('0.1');
  await theta.fill('0.65');
  await page.getByLabel('Outcome horizon (days)').fill('21');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved.').waitFor();
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#setting-theta')?.value === '0.65');
  check(
    (await page.getByLabel('Outcome horizon (days)').inputValue()) === '21',
    'horizon not persisted in the form',
  );
  const s = await apiGet(page, '/api/v1/settings/decisions');
  check(
    s.theta === 0.65 && s.horizon_days === 21 && s.exploration === 0.1,
    `stored settings: ${JSON.stringify(s)}`,
  );
  check(
    (await page.getByTestId('thresholds-in-force').textContent()).includes('θ = 0.650'),
    'thresholds in force not shown',
  );

  // Webhooks: a bad URL is refused on its field; a good one is added,
  // sent a test (its delivery listed), and deleted.
  const url = 'http://127.0.0.1:9/e2e-hook';
  const urlBox = page.getByLabel('URL', { exact: true });
  await urlBox.fill('ftp://127.0.0.1/x');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByText('url must be http:// or https://').waitFor();
  await urlBox.fill(url);
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByTestId('webhook-secret').waitFor();
  const hook = (await apiGet(page, '/api/v1/webhooks')).items.find((h) => h.url === url);
  check(hook && hook.topics.join() === 'decision', `stored webhook: ${JSON.stringify(hook)}`);
  await page.getByRole('button', { name: `Send a test to ${url}` }).click();
  const row = page.getByTestId('deliveries-table').locator('tbody tr').first();
  await row.waitFor();
  check((await row.textContent()).includes('ping'), `delivery row: ${await row.textContent()}`);
  const deliveries = await apiGet(page, `/api/v1/webhooks/${hook.id}/deliveries`);
  check(deliveries.items[0]?.topic === 'ping', `deliveries: ${JSON.stringify(deliveries.items)}`);
  await page.getByRole('button', { name: `Delete ${url}` }).click();
  await page.getByTestId(`webhook-${hook.id}`).waitFor({ state: 'detached' });
  check(
    (await apiStatus(page, `/api/v1/webhooks/${hook.id}`)) === 404,
    'the webhook is still there',
  );
});
