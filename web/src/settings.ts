// The decision settings form's fields and the body it sends: every field of
// GET /api/v1/settings/decisions, named as the server names it in errors
// ("costs.call", "workday.end_hour"), so a refusal lands on its field. The
// PUT replaces the whole settings, so the body always carries every field.
import type { DecisionSettings, ThresholdMode } from './types';

export interface SettingField {
  key: string; // the server's field name, dotted for nested objects
  label: string;
  kind: 'number' | 'whole' | 'choice';
  options?: { value: string; label: string }[];
  hint?: string;
}

export interface SettingGroup {
  legend: string;
  modes?: ThresholdMode[]; // shown only in these modes (they matter only there)
  fields: SettingField[];
}

export const SETTING_GROUPS: SettingGroup[] = [
  {
    legend: 'Tiers',
    fields: [
      {
        key: 'mode',
        label: 'Thresholds chosen by',
        kind: 'choice',
        options: [
          { value: 'admin', label: 'the admin (θ, θ₁ below)' },
          { value: 'capacity', label: 'the team’s capacity' },
          { value: 'utility', label: 'the highest expected utility' },
        ],
      },
    ],
  },
  {
    legend: 'Thresholds',
    modes: ['admin'],
    fields: [
      { key: 'theta', label: 'θ: high above', kind: 'number', hint: '0 to 1, on the lead’s score' },
      { key: 'theta1', label: 'θ₁: medium above', kind: 'number', hint: '0 to θ' },
    ],
  },
  {
    legend: 'Capacity',
    modes: ['capacity'],
    fields: [
      { key: 'calls_per_rep_per_day', label: 'Calls per rep per day', kind: 'whole' },
      { key: 'follow_ups_per_rep_per_day', label: 'Follow-ups per rep per day', kind: 'whole' },
    ],
  },
  {
    legend: 'Deal value V',
    fields: [
      {
        key: 'value_source',
        label: 'V comes from',
        kind: 'choice',
        options: [
          { value: 'expected_value', label: 'the lead’s expected value' },
          { value: 'average_won', label: 'the average won deal' },
        ],
      },
      { key: 'default_value', label: 'V when unknown', kind: 'number' },
    ],
  },
  {
    legend: 'Action costs C',
    fields: [
      { key: 'costs.call', label: 'Call', kind: 'number' },
      { key: 'costs.email', label: 'E-mail', kind: 'number' },
      { key: 'costs.offer', label: 'Offer', kind: 'number' },
      { key: 'costs.nurture', label: 'Nurture', kind: 'number' },
    ],
  },
  {
    legend: 'Service time per tier (working hours)',
    fields: [
      { key: 'service_hours.high', label: 'High', kind: 'number' },
      { key: 'service_hours.medium', label: 'Medium', kind: 'number' },
      { key: 'service_hours.low', label: 'Low', kind: 'number' },
    ],
  },
  {
    legend: 'Working day and horizon',
    fields: [
      { key: 'workday.start_hour', label: 'Day starts (hour, UTC)', kind: 'whole' },
      { key: 'workday.end_hour', label: 'Day ends (hour, UTC)', kind: 'whole' },
      { key: 'horizon_days', label: 'Outcome horizon (days)', kind: 'whole' },
      { key: 'exploration', label: 'Exploration share', kind: 'number', hint: '0.01 to 1' },
    ],
  },
];

export const SETTING_FIELDS: SettingField[] = SETTING_GROUPS.flatMap((g) => g.fields);

// The settings as form text, one entry per field key.
export function settingsToForm(s: DecisionSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of SETTING_FIELDS) {
    let v: unknown = s;
    for (const part of f.key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
    out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

// The PUT body from the form. A number field that does not read as a number
// is sent as typed, so the server's refusal names that field.
export function formToSettings(form: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of SETTING_FIELDS) {
    const text = (form[f.key] ?? '').trim();
    const n = Number(text);
    const value = f.kind === 'choice' ? text : text !== '' && Number.isFinite(n) ? n : text;
    const parts = f.key.split('.');
    let at = body;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]] = value;
  }
  return body;
}
