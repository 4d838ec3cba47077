import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '../components/testing';
import type { DecisionKpis } from '../types';
import { DecisionKpisSection } from './DecisionKpis';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const none: DecisionKpis = {
  from: null,
  to: null,
  next_steps: { automatic: 0, manual: 0, automatic_share: null },
  decisions: 0,
  first_touch: { touched: 0, mean_seconds: null, median_seconds: null },
  conversion_by_tier: [],
};

async function mount(k: DecisionKpis, from = '', to = '') {
  const f = vi.fn(async () => new Response(JSON.stringify(k), { status: 200 }));
  vi.stubGlobal('fetch', f);
  const root = render(<DecisionKpisSection from={from} to={to} />);
  for (let i = 0; i < 3; i++)
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  return { root, path: (f.mock.calls[0] as unknown as [string])[0] };
}

describe('decision KPIs on the Overview', () => {
  it('says there are none rather than showing zeros', async () => {
    const { root, path } = await mount(none);
    expect(path).toBe('/api/v1/decisions/kpis');
    expect(root.querySelector('[data-testid="empty-state"]')!.textContent).toContain(
      'No decisions in this period',
    );
    expect(root.querySelector('[data-testid="kpi-automated"]')).toBeNull();
  });
  it('shows the server’s figures for the period', async () => {
    const { root, path } = await mount(
      {
        ...none,
        decisions: 12,
        next_steps: { automatic: 9, manual: 3, automatic_share: 0.75 },
        first_touch: { touched: 4, mean_seconds: 7200, median_seconds: 5400 },
        conversion_by_tier: [
          { tier: 'high', decisions: 5, converted: 2, rate: 0.4 },
          { tier: 'low', decisions: 0, converted: 0, rate: null },
        ],
      },
      '2026-11-01',
    );
    expect(path).toBe('/api/v1/decisions/kpis?from=2026-11-01T00%3A00%3A00Z');
    expect(root.querySelector('[data-testid="kpi-automated-value"]')!.textContent).toBe('75.0 %');
    expect(root.querySelector('[data-testid="kpi-automated"]')!.textContent).toContain(
      '9 automatic · 3 by hand of 12',
    );
    expect(root.querySelector('[data-testid="kpi-first-touch-value"]')!.textContent).toBe('1.5 h');
    const rows = [...root.querySelectorAll('[data-testid="conversion-by-tier"] tbody tr')].map(
      (r) => r.textContent,
    );
    expect(rows).toEqual(['high5240.0 %', 'low00—']);
  });
});
