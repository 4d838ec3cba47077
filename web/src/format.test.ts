import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatGrowth,
  formatInt,
  formatMoney,
  formatMonth,
  formatPercent,
  funnel,
  mainCurrency,
  ratio,
  retention,
  revenueWithGrowth,
  salesTotals,
} from './format';

describe('formatting', () => {
  it('formats money from minor units in the given currency', () => {
    expect(formatMoney(123456, 'EUR')).toBe('€1,234.56');
    expect(formatMoney(-2000, 'EUR')).toBe('-€20.00');
    expect(formatMoney(12_345_678_90, 'EUR')).toBe('€12,345,679');
    expect(formatMoney(null)).toBe('—');
  });
  it('formats integers, percentages and growth', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatPercent(0.31504)).toBe('31.5 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatGrowth(0.123)).toBe('+12.3 %');
    expect(formatGrowth(-0.04)).toBe('−4.0 %');
    expect(formatGrowth(0)).toBe('±0.0 %');
    expect(formatGrowth(null)).toBe('—');
  });
  it('formats durations in the largest sensible unit', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(59.6)).toBe('60 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(7200)).toBe('2.0 h');
    expect(formatDuration(86400 * 3)).toBe('3.0 d');
    expect(formatDuration(null)).toBe('—');
  });
  it('formats months', () => {
    expect(formatMonth('2026-11')).toBe('Nov 2026');
    expect(formatMonth('nonsense')).toBe('nonsense');
  });
  it('refuses a ratio over nothing', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });
});

describe('revenue with month-on-month growth', () => {
  const rows = [
    { month: '2026-09', currency: 'EUR', amount_minor: 10000, lines: 2 },
    { month: '2026-11', currency: 'EUR', amount_minor: 5000, lines: 1 },
    { month: '2026-11', currency: 'USD', amount_minor: 999999, lines: 1 },
    { month: '2027-01', currency: 'EUR', amount_minor: 7500, lines: 1 },
  ];
  it('fills missing months with zero and compares each month with the one before', () => {
    expect(revenueWithGrowth(rows, 'EUR')).toEqual([
      { month: '2026-09', amount_minor: 10000, growth: null },
      { month: '2026-10', amount_minor: 0, growth: -1 },
      { month: '2026-11', amount_minor: 5000, growth: null }, // after a month of nothing
      { month: '2026-12', amount_minor: 0, growth: -1 },
      { month: '2027-01', amount_minor: 7500, growth: null },
    ]);
  });
  it('keeps currencies apart and picks the one with most lines', () => {
    expect(revenueWithGrowth(rows, 'USD')).toEqual([
      { month: '2026-11', amount_minor: 999999, growth: null },
    ]);
    expect(mainCurrency(rows)).toBe('EUR');
    expect(mainCurrency([])).toBeNull();
    expect(revenueWithGrowth([], 'EUR')).toEqual([]);
  });
  it('measures growth against a negative month by its size', () => {
    const r = revenueWithGrowth(
      [
        { month: '2026-01', currency: 'EUR', amount_minor: -100, lines: 1 },
        { month: '2026-02', currency: 'EUR', amount_minor: 100, lines: 1 },
      ],
      'EUR',
    );
    expect(r[1].growth).toBe(2);
  });
});

describe('funnel and retention', () => {
  it('counts the leads that reached each stage', () => {
    expect(funnel({ new: 5, contacted: 4, qualified: 3, converted: 2, lost: 1 })).toEqual([
      { stage: 'Created', count: 15 },
      { stage: 'Contacted', count: 10 },
      { stage: 'Qualified', count: 5 },
      { stage: 'Converted', count: 2 },
    ]);
  });
  it('retention is the share not churned', () => {
    expect(retention({ active: 7, inactive: 1, churned: 2 })).toBe(0.8);
    expect(retention({})).toBeNull();
  });
  it('sums sales per currency, the most used first', () => {
    expect(salesTotals([])).toEqual([]);
    expect(
      salesTotals([
        { amount_minor: 500, currency: 'USD' },
        { amount_minor: 1000, currency: 'EUR' },
        { amount_minor: -200, currency: 'EUR' },
      ]),
    ).toEqual([
      { currency: 'EUR', amount_minor: 800, lines: 2 },
      { currency: 'USD', amount_minor: 500, lines: 1 },
    ]);
  });
});
