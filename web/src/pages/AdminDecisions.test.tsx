import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '../components/testing';
import type { DecisionSettings } from '../types';
import { DecisionSettingsSection } from './AdminDecisions';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const settings: DecisionSettings = {
  mode: 'admin',
  theta: 0.7,
  theta1: 0.4,
  calls_per_rep_per_day: 8,
  follow_ups_per_rep_per_day: 20,
  value_source: 'expected_value',
  default_value: 1000,
  costs: { call: 40, email: 5, offer: 25, nurture: 1 },
  service_hours: { high: 4, medium: 16, low: 40 },
  workday: { start_hour: 9, end_hour: 17 },
  horizon_days: 30,
  exploration: 0.05,
  in_force: { theta: 0.7, theta1: 0.4, mode: 'admin', basis: 'set by an admin' },
};

async function flush() {
  for (let i = 0; i < 4; i++)
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
}

describe('decision settings', () => {
  it('sends every field and shows the server’s refusal on the field it names', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_path: string, init?: RequestInit) => {
        if (init?.method === 'PUT') {
          sent.push(JSON.parse(String(init.body)));
          const problem = {
            title: 'Bad Request',
            status: 400,
            detail: 'costs.call must be a number',
            errors: [{ field: 'costs.call', message: 'costs.call must be a number' }],
          };
          return new Response(JSON.stringify(problem), { status: 400 });
        }
        return new Response(JSON.stringify(settings), { status: 200 });
      }),
    );
    const root = render(<DecisionSettingsSection />);
    await flush();
    expect(root.querySelector('[data-testid="thresholds-in-force"]')!.textContent).toContain(
      'θ = 0.700',
    );
    // Capacity fields matter only in capacity mode.
    expect(root.querySelector('#setting-calls_per_rep_per_day')).toBeNull();
    const call = root.querySelector('#setting-costs-call') as HTMLInputElement;
    expect(root.querySelector('label[for="setting-costs-call"]')!.textContent).toBe('Call');
    await act(async () => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(call, 'lots');
      call.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () =>
      root
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })),
    );
    await flush();
    expect(sent).toHaveLength(1);
    const body = sent[0] as Record<string, Record<string, unknown>>;
    expect(body.costs.call).toBe('lots');
    expect(body.calls_per_rep_per_day).toBe(8);
    expect(call.getAttribute('aria-invalid')).toBe('true');
    expect(call.getAttribute('aria-describedby')).toBe('setting-costs-call-error');
    expect(root.querySelector('#setting-costs-call-error')!.textContent).toBe(
      'costs.call must be a number',
    );
  });
});
