import { describe, expect, it } from 'vitest';
import { formToSettings, SETTING_FIELDS, settingsToForm } from './settings';
import type { DecisionSettings } from './types';

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
  in_force: { theta: 0.7, theta1: 0.4, mode: 'admin', basis: 'set by the admin' },
};

describe('decision settings form', () => {
  it('covers every field the server accepts, and round-trips them', () => {
    const form = settingsToForm(settings);
    expect(form['costs.offer']).toBe('25');
    expect(form['workday.end_hour']).toBe('17');
    const { in_force: _ignored, ...writable } = settings;
    expect(formToSettings(form)).toEqual(writable);
    expect(SETTING_FIELDS).toHaveLength(18);
  });
  it('sends what does not read as a number as typed, for the server to name', () => {
    const body = formToSettings({ ...settingsToForm(settings), theta: '0,8', 'costs.call': '' });
    expect(body.theta).toBe('0,8');
    expect((body.costs as Record<string, unknown>).call).toBe('');
    expect(body.mode).toBe('admin');
  });
});
