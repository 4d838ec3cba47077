import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../session';
import { decisionFixture } from '../test-fixtures';
import type { Activity } from '../timeline';
import type { Decision, Lead, Me, Role } from '../types';
import { DecisionCard } from './DecisionCard';
import { ScoreHistoryChart } from './ScoreHistory';
import { cleanup, render } from './testing';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const lead: Lead = {
  id: 5,
  external_id: null,
  name: 'Ada',
  email: null,
  company: null,
  source: null,
  status: 'contacted',
  owner_id: 7,
  expected_value_minor: null,
  currency: 'EUR',
  attributes: {},
  customer_id: null,
  contacted_at: null,
  qualified_at: null,
  converted_at: null,
  lost_at: null,
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};
const activity: Activity = {
  id: 21,
  kind: 'email',
  subject: 'E-mail Ada',
  due_at: '2026-11-20T13:00:00Z',
  status: 'open',
  owner_id: 7,
  lead_id: 5,
  customer_id: null,
  created_at: '2026-11-20T09:00:00Z',
  updated_at: '2026-11-20T09:00:00Z',
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const problem = (status: number, detail: string) =>
  json(status, { title: status === 404 ? 'Not Found' : 'Conflict', status, detail, errors: [] });

// A small stand-in for the server's decision routes, recording each write.
function fakeServer(start: Decision | null) {
  let decision = start;
  let act_: Activity = { ...activity };
  const writes: string[] = [];
  const fetch = vi.fn(async (path: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    if (method !== 'GET') writes.push(`${method} ${path} ${init?.body ?? ''}`);
    if (path === '/api/v1/leads/5/decision') {
      if (method === 'POST') {
        decision = decisionFixture();
        return json(201, decision);
      }
      return decision ? json(200, decision) : problem(404, 'lead 5 has no decision yet');
    }
    if (path === '/api/v1/activities/21') return json(200, act_);
    if (path === '/api/v1/decisions/11/accept') {
      decision = { ...decision!, accepted_at: '2026-11-20T10:00:00Z' };
      return json(200, decision);
    }
    if (path === '/api/v1/decisions/11/complete') {
      act_ = { ...act_, status: 'done' };
      return json(200, decision);
    }
    if (path === '/api/v1/decisions/11/outcome') {
      decision = { ...decision!, outcome: JSON.parse(String(init!.body)).outcome };
      return json(200, decision);
    }
    if (path === '/api/v1/decisions/11/reject')
      return problem(409, 'decision 11 already has its outcome (converted)');
    return problem(404, `no route ${path}`);
  });
  vi.stubGlobal('fetch', fetch);
  return { writes };
}

async function flush() {
  for (let i = 0; i < 5; i++)
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
}

function mount(role: Role, id = 7) {
  const me: Me = { id, email: 'x@example.com', name: 'X', role };
  return render(
    <SessionContext.Provider value={{ me, logout: () => {} }}>
      <DecisionCard lead={lead} />
    </SessionContext.Provider>,
  );
}

const buttons = (root: HTMLElement) =>
  [...root.querySelectorAll('[data-testid="decision-actions"] button')].map((b) => b.textContent);
const click = async (root: HTMLElement, text: string) => {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent === text);
  if (!b) throw new Error(`no button ${text}: ${buttons(root).join(', ')}`);
  await act(async () => b.click());
  await flush();
};

describe('the next-step card', () => {
  it('offers Decide now without a decision, then the steps of the new one', async () => {
    const server = fakeServer(null);
    const root = mount('rep');
    await flush();
    expect(root.textContent).toContain('No decision yet');
    expect(buttons(root)).toEqual(['Decide now']);
    await click(root, 'Decide now');
    expect(server.writes).toEqual(['POST /api/v1/leads/5/decision {}']);
    expect(root.querySelector('[data-testid="decision-action"]')!.textContent).toBe(
      'Send an e-mail',
    );
    expect(root.querySelector('.chip-high')!.textContent).toBe('high priority');
    expect(buttons(root)).toEqual(['Accept', 'Complete', 'Reject…', 'Log outcome…']);
    const rows = [...root.querySelectorAll('[data-testid="decision-utility"] tbody tr')];
    expect(rows.map((r) => r.querySelector('td')!.textContent)).toEqual([
      'email chosen',
      'call',
      'offer',
      'nurture',
    ]);
    await click(root, 'Accept');
    expect(root.querySelector('[data-testid="decision-state"]')!.getAttribute('data-state')).toBe(
      'accepted',
    );
    expect(buttons(root)).toEqual(['Complete', 'Reject…', 'Log outcome…']);
    await click(root, 'Complete');
    expect(root.querySelector('[data-testid="decision-state"]')!.getAttribute('data-state')).toBe(
      'done',
    );
    expect(buttons(root)).toEqual(['Log outcome…', 'Decide again']);
    await click(root, 'Log outcome…');
    expect(
      root.querySelector('form[aria-label="Log the outcome"] select')!.closest('label')!
        .textContent,
    ).toContain('Outcome');
    await click(root, 'Save outcome');
    expect(server.writes.at(-1)).toBe('POST /api/v1/decisions/11/outcome {"outcome":"converted"}');
    expect(root.querySelector('[data-testid="decision-state"]')!.textContent).toBe(
      'Outcome: converted',
    );
    expect(buttons(root)).toEqual(['Decide again']);
  });
  it('shows the server’s reason when a step is refused', async () => {
    fakeServer(decisionFixture());
    const root = mount('manager', 3);
    await flush();
    await click(root, 'Reject…');
    const reason = root.querySelector('textarea')!;
    expect(reason.closest('label')!.textContent).toContain('Reason for rejecting');
    expect(reason.required).toBe(true);
    await act(async () => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(
        reason,
        'no budget',
      );
      reason.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () =>
      root
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })),
    );
    await flush();
    expect(root.querySelector('[role="alert"]')!.textContent).toContain(
      'decision 11 already has its outcome (converted)',
    );
  });
  it('offers a viewer nothing, and a rep no steps of someone else’s activity', async () => {
    fakeServer(decisionFixture());
    const viewer = mount('viewer', 9);
    await flush();
    expect(viewer.querySelector('[data-testid="decision-action"]')!.textContent).toBe(
      'Send an e-mail',
    );
    expect(viewer.querySelector('[data-testid="decision-actions"]')).toBeNull();
    cleanup();
    fakeServer(null);
    const viewerWithout = mount('viewer', 9);
    await flush();
    expect(viewerWithout.textContent).toContain('No decision yet');
    expect(viewerWithout.querySelector('button')).toBeNull();
  });
});

describe('the score history chart', () => {
  it('says so when the lead was never scored', () => {
    const root = render(<ScoreHistoryChart points={[]} more={false} />);
    expect(root.querySelector('[data-testid="empty-state"]')!.textContent).toContain(
      'No score history',
    );
    expect(root.querySelector('.chart')).toBeNull();
  });
});
