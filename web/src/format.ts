// Number and date formatting, and the small derivations the Overview makes
// from the API's figures (rates, month-on-month growth). Pure functions, so
// they are tested without a browser.
import type { Kpis, LeadStatus } from './types';

const LOCALE = 'en-GB';

export function formatMoney(minor: number | null | undefined, currency = 'EUR'): string {
  if (minor === null || minor === undefined) return '—';
  return new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency,
    maximumFractionDigits: Math.abs(minor) >= 100_000_00 ? 0 : 2,
  }).format(minor / 100);
}

export function formatInt(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(LOCALE).format(n);
}

// 0.3151 -> "31.5 %"; null -> "—".
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)} %`;
}

// A signed change: +12.3 % / −4.0 %.
export function formatGrowth(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const sign = ratio > 0 ? '+' : ratio < 0 ? '−' : '±';
  return `${sign}${Math.abs(ratio * 100).toFixed(1)} %`;
}

// Seconds as the largest sensible unit: "45 s", "12 min", "5.3 h", "2.1 d".
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400 * 2) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

// "2026-11-19T06:41:49.581675Z" -> "19 Nov 2026, 06:41" (UTC, as stored).
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

// "2026-11" -> "Nov 2026".
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(LOCALE, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export interface MonthRevenue {
  month: string;
  amount_minor: number;
  growth: number | null; // vs the previous calendar month; null when that month had no revenue
}

// Revenue per month in one currency with month-on-month growth. A month
// missing between two others counts as zero, so growth is always against the
// calendar month before.
export function revenueWithGrowth(
  rows: Kpis['revenue_by_month'],
  currency: string,
): MonthRevenue[] {
  const byMonth = new Map<string, number>();
  for (const r of rows)
    if (r.currency === currency) byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + r.amount_minor);
  const months = [...byMonth.keys()].sort();
  if (months.length === 0) return [];
  const out: MonthRevenue[] = [];
  let [y, m] = months[0].split('-').map(Number);
  const last = months[months.length - 1];
  let prev: number | null = null;
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    const amount = byMonth.get(key) ?? 0;
    out.push({
      month: key,
      amount_minor: amount,
      growth: prev !== null && prev !== 0 ? (amount - prev) / Math.abs(prev) : null,
    });
    prev = amount;
    if (key === last) break;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

// The currency with the most revenue lines (the one the charts show).
export function mainCurrency(rows: Kpis['revenue_by_month']): string | null {
  const lines = new Map<string, number>();
  for (const r of rows) lines.set(r.currency, (lines.get(r.currency) ?? 0) + r.lines);
  let best: string | null = null;
  for (const [c, n] of lines) if (best === null || n > (lines.get(best) ?? 0)) best = c;
  return best;
}

// Retention: customers not churned over all customers.
export function retention(byStatus: Record<string, number>): number | null {
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return ratio(total - (byStatus.churned ?? 0), total);
}

// The funnel: how many leads reached at least each stage. A converted lead
// passed contacted and qualified; a lost one passed contacted (and maybe
// qualified; the status alone does not say, so it counts up to contacted).
export function funnel(byStatus: Record<LeadStatus, number>): { stage: string; count: number }[] {
  const s = (k: LeadStatus) => byStatus[k] ?? 0;
  const total = s('new') + s('contacted') + s('qualified') + s('converted') + s('lost');
  return [
    { stage: 'Created', count: total },
    { stage: 'Contacted', count: s('contacted') + s('qualified') + s('converted') + s('lost') },
    { stage: 'Qualified', count: s('qualified') + s('converted') },
    { stage: 'Converted', count: s('converted') },
  ];
}

// Sales lines summed per currency (a customer may buy in more than one),
// the currency with the most lines first.
export function salesTotals(
  lines: { amount_minor: number; currency: string }[],
): { currency: string; amount_minor: number; lines: number }[] {
  const by = new Map<string, { currency: string; amount_minor: number; lines: number }>();
  for (const l of lines) {
    const t = by.get(l.currency) ?? { currency: l.currency, amount_minor: 0, lines: 0 };
    t.amount_minor += l.amount_minor;
    t.lines += 1;
    by.set(l.currency, t);
  }
  return [...by.values()].sort((a, b) => b.lines - a.lines || (a.currency < b.currency ? -1 : 1));
}
