// The end-to-end cases (run by e2e/run.mjs). Each gets a fresh browser
// context on the same server and demo data; cases that change data use leads
// no other case touches.

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function login(page, account) {
  await page.goto('/');
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('role').waitFor();
}

// The same formatting the dashboard uses (src/format.ts), for comparing.
const int = (n) => new Intl.NumberFormat('en-GB').format(n);
const pct = (r) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
const money = (minor, currency) =>
  new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency,
    maximumFractionDigits: Math.abs(minor) >= 100_000_00 ? 0 : 2,
  }).format(minor / 100);

async function apiGet(page, path) {
  const r = await page.request.get(path);
  check(r.ok(), `${path}: ${r.status()} ${await r.text()}`);
  return r.json();
}

async function apiStatus(page, path) {
  return (await page.request.get(path)).status();
}

// A lead of `owner` that is open, scored and has no decision yet, taken from
// the end of the ranking so no other case (they take the top) touches it.
async function undecidedLead(page, owner) {
  const ranked = (
    await apiGet(page, `/api/v1/lead-ranking?owner_id=${owner}&status=contacted&limit=100`)
  ).items.reverse();
  for (const l of ranked) {
    if (!l.score) continue;
    if ((await apiStatus(page, `/api/v1/leads/${l.id}/decision`)) === 404) return l;
  }
  throw new Error(`user ${owner} has no scored contacted lead without a decision`);
}

const stepIs = (page, state) =>
  page.locator(`[data-testid="decision-state"][data-state="${state}"]`).waitFor();

export const tests = [
  {
    name: 'rep-login-and-logout',
    async run({ page, accounts }) {
      await login(page, accounts.rep1);
      check(
        (await page.getByTestId('role').textContent()) === 'Sales rep',
        'role shown is not Sales rep',
      );
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'Scoring models' }).waitFor();
      check(
        (await page.getByRole('button', { name: /Train/ }).count()) === 0,
        'a rep is offered training',
      );
      check(
        (await page.getByRole('heading', { name: 'Users and roles' }).count()) === 0,
        'a rep is shown the users',
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      const me = await page.request.get('/api/v1/me');
      check(me.status() === 401, `after sign-out /me answers ${me.status()}`);
    },
  },
  {
    name: 'admin-login-sees-admin-tools',
    async run({ page, accounts }) {
      await login(page, accounts.admin);
      check((await page.getByTestId('role').textContent()) === 'Admin', 'role shown is not Admin');
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByTestId('users-table').waitFor();
      const users = await apiGet(page, '/api/v1/users?limit=500');
      check(
        (await page.getByTestId('users-table').locator('tbody tr').count()) === users.items.length,
        'users table rows differ from the API',
      );
      await page.getByRole('button', { name: 'Train lead models' }).waitFor();
      await page.getByTestId('models-table').waitFor();
    },
  },
  {
    name: 'overview-kpis-equal-the-api',
    async run({ page, accounts }) {
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
    },
  },
  {
    name: 'top-ranked-lead-shows-its-factors',
    async run({ page, accounts }) {
      await login(page, accounts.manager);
      await page.getByRole('link', { name: 'Leads' }).click();
      const first = page.getByTestId('leads-table').locator('tbody tr').first();
      await first.waitFor();
      check(
        (await first.locator('td').first().textContent()) === '#1',
        'the first row is not rank #1',
      );
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
    },
  },
  {
    name: 'pipeline-drag-persists-and-illegal-moves-explain',
    async run({ page, accounts }) {
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
      check(
        detail.includes(`lead ${id} cannot go from qualified to new`),
        `problem shown: ${detail}`,
      );
      check(
        (await apiGet(page, `/api/v1/leads/${id}`)).status === 'qualified',
        'an illegal move changed the lead',
      );
    },
  },
  {
    name: 'viewer-sees-no-edit-controls',
    async run({ page, accounts }) {
      await login(page, accounts.viewer);
      check(
        (await page.getByTestId('role').textContent()) === 'Viewer',
        'role shown is not Viewer',
      );
      await page.getByRole('link', { name: 'Pipeline' }).click();
      await page.getByTestId('column-contacted').locator('article').first().waitFor();
      check(
        (await page.locator('article[draggable="true"]').count()) === 0,
        'a viewer can drag cards',
      );
      check((await page.getByLabel(/^Move .* to$/).count()) === 0, 'a viewer is offered "Move to"');
      await page.getByTestId('column-contacted').locator('article a').first().click();
      await page.getByTestId('lead-name').waitFor();
      await page.getByText('You may not change this lead.').waitFor();
      check(
        (await page.getByTestId('status-actions').count()) === 0,
        'a viewer is offered status changes',
      );
      check(
        (await page.getByRole('button', { name: 'Edit' }).count()) === 0,
        'a viewer is offered Edit',
      );
      await page.getByRole('link', { name: 'Customers' }).click();
      await page.getByTestId('customers-table').locator('tbody a').first().click();
      await page.getByTestId('customer-name').waitFor();
      await page.getByRole('heading', { name: 'Churn risk' }).waitFor();
      check(
        (await page.getByRole('button', { name: 'Edit' }).count()) === 0,
        'a viewer is offered Edit on a customer',
      );
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'Scoring models' }).waitFor();
      check(
        (await page.getByRole('button', { name: /Train|Activate/ }).count()) === 0,
        'a viewer is offered model actions',
      );
    },
  },
  {
    name: 'phone-width-overview-and-leads',
    viewport: { width: 390, height: 844 },
    async run({ page, accounts }) {
      await login(page, accounts.rep2);
      await page.getByTestId('kpi-leads-value').waitFor();
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check((await overflow()) <= 0, `overview overflows by ${await overflow()} px`);
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('link', { name: 'Leads' }).click();
      await page.getByTestId('leads-table').waitFor();
      check((await overflow()) <= 0, `leads overflow by ${await overflow()} px`);
      await page.getByTestId('leads-table').locator('tbody a').first().click();
      await page.getByRole('heading', { name: 'Next step' }).waitFor();
      await page.getByRole('heading', { name: 'Score history' }).waitFor();
      check((await overflow()) <= 0, `a lead's page overflows by ${await overflow()} px`);
    },
  },
  {
    name: 'live-and-my-day-say-what-is-missing',
    async run({ page, accounts }) {
      await login(page, accounts.rep3);
      const stream = await page.request.get('/api/v1/stream', { timeout: 3000 }).catch(() => null);
      await page.getByRole('link', { name: 'Live' }).click();
      if (stream && stream.status() === 404) {
        await page.getByText('The live stream is not on this server yet').waitFor();
      } else {
        // The stream exists: the page connects (the event round trip is tested once it lands).
        await page
          .getByText(/connected|Waiting for events/)
          .first()
          .waitFor();
      }
      const activities = await page.request.get('/api/v1/activities?limit=1');
      await page.getByRole('link', { name: 'My day' }).click();
      if (activities.status() === 404) {
        await page.getByText('Activities are not on this server yet').waitFor();
      } else {
        await page.getByRole('heading', { name: 'My day' }).waitFor();
      }
    },
  },
  {
    name: 'lead-timeline-merges-events-activities-and-messages',
    async run({ page, accounts }) {
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
    },
  },
  {
    name: 'rep-edits-a-custom-attribute',
    async run({ page, accounts }) {
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
      check(
        after.attributes.e2e_seats === 42,
        `stored attribute: ${JSON.stringify(after.attributes)}`,
      );
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
    },
  },
  {
    name: 'customer-detail-shows-sales-and-churn-risk',
    async run({ page, accounts }) {
      await login(page, accounts.manager);
      // A scored customer with sales: the highest-risk one of the first page with any.
      const customers = (await apiGet(page, '/api/v1/customers?status=active&limit=50')).items;
      let chosen = null;
      for (const c of customers) {
        const sales = await apiGet(
          page,
          `/api/v1/transactions?customer_id=${c.id}&sort=-occurred_at&limit=100`,
        );
        if (sales.items.length > 0) {
          chosen = { c, sales };
          break;
        }
      }
      check(chosen, 'no active customer with sales');
      const risk = await apiGet(page, `/api/v1/customers/${chosen.c.id}/churn-risk`);
      await page.getByRole('link', { name: 'Customers' }).click();
      await page.getByTestId('customers-table').waitFor();
      await page.goto(`/customers/${chosen.c.id}`);
      await page.getByTestId('customer-name').waitFor();
      // The sales load after the name (their own request): wait for the last row first.
      const rows = page.getByTestId('sales-table').locator('tbody tr');
      await rows.nth(chosen.sales.items.length - 1).waitFor();
      check((await rows.count()) === chosen.sales.items.length, 'sales rows differ from the API');
      const factors = page.getByTestId('churn-risk').getByTestId('factors').locator('li');
      if (risk.factors.length > 0) await factors.nth(risk.factors.length - 1).waitFor();
      const shown = await page.getByTestId('churn-risk').textContent();
      check(
        shown.includes(pct(risk.probability)),
        `churn risk shown: ${shown}, API ${pct(risk.probability)}`,
      );
      check((await factors.count()) === risk.factors.length, 'churn factors differ');
      // No segment is shown while the API has none (segmentation comes later).
      const stored = await apiGet(page, `/api/v1/customers/${chosen.c.id}`);
      if (!('segment' in stored))
        check(
          (await page.locator('dt', { hasText: /^Segment$/ }).count()) === 0,
          'a segment is shown that the API does not have',
        );
      else
        check(
          (await page.locator('dt', { hasText: /^Segment$/ }).count()) === 1,
          'the API has a segment the page does not show',
        );
      // A churned customer is not given a risk.
      const churned = (await apiGet(page, '/api/v1/customers?status=churned&limit=1')).items[0];
      if (churned) {
        await page.goto(`/customers/${churned.id}`);
        await page.getByText('This customer has churned.').waitFor();
      }
    },
  },
  {
    // Item 1 of the decision card: Decide now, Accept, Complete, persisted
    // after a reload; then a decision made elsewhere reaches the open page
    // through the live stream.
    name: 'rep-decides-accepts-and-completes-a-next-step',
    async run({ page, accounts }) {
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
    },
  },
  {
    // After the case above made decisions: the Overview's decision figures
    // and the decision log are the API's (as the manager sees them: every lead).
    name: 'overview-decision-kpis-equal-the-api',
    async run({ page, accounts }) {
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
            ...document.querySelectorAll(
              '[data-testid="decisions-table"] tbody tr td:nth-child(4)',
            ),
          ];
          return cells.length === n && cells.every((c) => c.textContent === a);
        },
        [filtered.items.length, action],
      );
    },
  },
  {
    name: 'viewer-sees-the-next-step-but-no-buttons',
    async run({ page, accounts }) {
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
        (await page
          .getByRole('button', { name: /Decide|Accept|Reject|Complete|outcome/ })
          .count()) === 0,
        'a viewer is offered a decision action',
      );
    },
  },
  {
    // An event POSTed through the API reaches the Live page (server-sent
    // events) within 2 s: its type, registered just for this run, appears in
    // the next per-second summary.
    name: 'live-page-shows-a-posted-event',
    async run({ page, accounts }) {
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
      check(
        posted.status() === 202,
        `posting the event: ${posted.status()} ${await posted.text()}`,
      );
      await page
        .getByText(new RegExp(`${type} 1`))
        .first()
        .waitFor({ timeout: 2000 });
    },
  },
  {
    // Runs last: it changes the decision settings every later decision uses.
    name: 'admin-changes-decision-settings-and-manages-a-webhook',
    async run({ page, accounts }) {
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
      check(
        deliveries.items[0]?.topic === 'ping',
        `deliveries: ${JSON.stringify(deliveries.items)}`,
      );
      await page.getByRole('button', { name: `Delete ${url}` }).click();
      await page.getByTestId(`webhook-${hook.id}`).waitFor({ state: 'detached' });
      check(
        (await apiStatus(page, `/api/v1/webhooks/${hook.id}`)) === 404,
        'the webhook is still there',
      );
    },
  },
];
