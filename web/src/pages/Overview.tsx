// The front page: KPI cards and charts, every number from GET /api/v1/kpis,
// GET /api/v1/decisions/kpis and GET /api/v1/models; nothing is estimated in the browser beyond ratios
// and month-on-month growth of the server's figures.
import { useMemo, useState } from 'react';
import { api, query } from '../api';
import { Chart, type ChartOption } from '../components/Chart';
import { KpiCard } from '../components/KpiCard';
import { Empty, ErrorBox, Loading } from '../components/States';
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
} from '../format';
import { useAsync } from '../hooks';
import { useMe } from '../session';
import type { Kpis, ModelVersion } from '../types';
import { DecisionKpisSection } from './DecisionKpis';
import { ModelQuality } from './ModelQuality';

const RANGES = [
  { id: 'all', label: 'All time', days: null },
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
  { id: '180', label: 'Last 180 days', days: 180 },
  { id: '365', label: 'Last 12 months', days: 365 },
  { id: 'custom', label: 'Custom…', days: null },
] as const;

const CUSTOMER_STATUSES = ['active', 'inactive', 'churned'] as const;
const CUSTOMER_COLOURS: Record<string, string> = {
  active: '#16a34a',
  inactive: '#94a3b8',
  churned: '#b42318',
};

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function OverviewPage() {
  const me = useMe();
  const [range, setRange] = useState<string>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // "Last N days" counts from when the page opened: Date.now() in the memo
  // would make rendering impure (a re-render could move the period).
  const [openedAt] = useState(() => Date.now());
  const period = useMemo(() => {
    if (range === 'custom') return { from, to };
    const r = RANGES.find((x) => x.id === range);
    if (!r || r.days === null) return { from: '', to: '' };
    const start = new Date(openedAt - r.days * 86400_000);
    return { from: isoDay(start), to: '' };
  }, [range, from, to, openedAt]);

  const kpis = useAsync(
    () => api.get<Kpis>(`/api/v1/kpis${query(period)}`),
    [period.from, period.to],
  );
  const models = useAsync(
    () => api.get<{ items: ModelVersion[] }>('/api/v1/models?entity=leads'),
    [],
  );

  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <div className="toolbar" role="group" aria-label="Date range">
          <label>
            Period
            <select value={range} onChange={(e) => setRange(e.target.value)} aria-label="Period">
              {RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          {range === 'custom' && (
            <>
              <label>
                From
                <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
              </label>
              <label>
                To (exclusive)
                <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
              </label>
            </>
          )}
        </div>
      </div>
      {me.role === 'rep' && (
        <p className="muted">Lead figures cover your own and unassigned leads.</p>
      )}
      {kpis.error ? <ErrorBox error={kpis.error} onRetry={kpis.reload} /> : null}
      {kpis.loading && !kpis.data ? <Loading what="Loading figures" /> : null}
      {kpis.data && <Figures k={kpis.data} />}
      <DecisionKpisSection from={period.from} to={period.to} />
      <section className="card">
        <h2>Lead scoring model</h2>
        {models.error ? <ErrorBox error={models.error} /> : null}
        {models.loading && !models.data ? <Loading /> : null}
        {models.data && <ModelQuality models={models.data.items} />}
      </section>
    </div>
  );
}

function Figures({ k }: { k: Kpis }) {
  const currency = mainCurrency(k.revenue_by_month) ?? 'EUR';
  const revenue = useMemo(() => revenueWithGrowth(k.revenue_by_month, currency), [k, currency]);
  const lastMonth = revenue[revenue.length - 1];
  const totalRevenue = revenue.reduce((a, r) => a + r.amount_minor, 0);
  const closed = k.leads_by_status.converted + k.leads_by_status.lost;
  const stages = funnel(k.leads_by_status);
  const ret = retention(k.customers_by_status);
  const customers = Object.values(k.customers_by_status).reduce((a, b) => a + b, 0);

  const charts = useMemo(() => {
    const funnelOption: ChartOption = {
      tooltip: { trigger: 'item', formatter: '{b}: {c}' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '5%',
          width: '90%',
          top: 8,
          bottom: 8,
          minSize: '30%',
          label: {
            show: true,
            position: 'inside',
            formatter: '{b}: {c}',
            color: '#fff',
            fontWeight: 600,
          },
          data: stages.map((s) => ({ name: s.stage, value: s.count })),
        },
      ],
    };
    const conversionMonth: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 48 },
      xAxis: { type: 'category', data: k.conversion_by_month.map((m) => formatMonth(m.month)) },
      yAxis: [
        { type: 'value', name: 'leads' },
        { type: 'value', name: '%', max: 100, min: 0 },
      ],
      series: [
        { name: 'Leads created', type: 'bar', data: k.conversion_by_month.map((m) => m.created) },
        { name: 'Converted', type: 'bar', data: k.conversion_by_month.map((m) => m.converted) },
        {
          name: 'Conversion %',
          type: 'line',
          yAxisIndex: 1,
          data: k.conversion_by_month.map(
            (m) => +(100 * (ratio(m.converted, m.created) ?? 0)).toFixed(1),
          ),
        },
      ],
    };
    const conversionSource: ChartOption = {
      tooltip: { trigger: 'axis' },
      grid: { left: 72, right: 40, top: 16, bottom: 32 },
      xAxis: { type: 'value', name: '%', max: 100 },
      yAxis: { type: 'category', data: k.conversion_by_source.map((s) => s.source) },
      series: [
        {
          name: 'Conversion %',
          type: 'bar',
          data: k.conversion_by_source.map(
            (s) => +(100 * (ratio(s.converted, s.created) ?? 0)).toFixed(1),
          ),
          label: { show: true, position: 'right', formatter: '{c} %' },
        },
      ],
    };
    const revenueOption: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 72, right: 56, top: 36, bottom: 48 },
      xAxis: { type: 'category', data: revenue.map((r) => formatMonth(r.month)) },
      yAxis: [
        { type: 'value', name: currency },
        { type: 'value', name: 'MoM %' },
      ],
      series: [
        {
          name: `Revenue (${currency})`,
          type: 'bar',
          data: revenue.map((r) => r.amount_minor / 100),
        },
        {
          name: 'Growth MoM %',
          type: 'line',
          yAxisIndex: 1,
          data: revenue.map((r) => (r.growth === null ? null : +(100 * r.growth).toFixed(1))),
        },
      ],
    };
    const scores: ChartOption = {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 24, top: 36, bottom: 48 },
      xAxis: {
        type: 'category',
        name: 'probability of converting',
        nameLocation: 'middle',
        nameGap: 30,
        data: k.score_distribution.map((b) => `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`),
      },
      yAxis: { type: 'value', name: 'leads' },
      series: [
        { name: 'Scored leads', type: 'bar', data: k.score_distribution.map((b) => b.count) },
      ],
    };
    const customerStatus: ChartOption = {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d} %)' },
      legend: { bottom: 0 },
      series: [
        {
          name: 'Customers',
          type: 'pie',
          radius: ['45%', '72%'],
          center: ['50%', '45%'],
          label: { formatter: '{b}\n{d} %' },
          data: CUSTOMER_STATUSES.map((st) => ({
            name: st,
            value: k.customers_by_status[st] ?? 0,
            itemStyle: { color: CUSTOMER_COLOURS[st] },
          })),
        },
      ],
    };
    const response: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 56, right: 56, top: 36, bottom: 48 },
      xAxis: { type: 'category', data: k.response_by_month.map((m) => formatMonth(m.month)) },
      yAxis: [
        { type: 'value', name: 'hours' },
        { type: 'value', name: 'answers' },
      ],
      series: [
        {
          name: 'Mean response (h)',
          type: 'line',
          data: k.response_by_month.map((m) => +(m.mean_response_seconds / 3600).toFixed(2)),
        },
        {
          name: 'Answered messages',
          type: 'bar',
          yAxisIndex: 1,
          data: k.response_by_month.map((m) => m.answered),
          itemStyle: { opacity: 0.35 },
        },
      ],
    };
    return {
      funnelOption,
      conversionMonth,
      conversionSource,
      revenueOption,
      scores,
      customerStatus,
      response,
    };
  }, [k, revenue, currency, stages]);

  return (
    <>
      <div className="kpis">
        <KpiCard
          id="leads"
          label="Leads created"
          value={formatInt(k.leads_created)}
          hint={`${formatInt(k.leads_by_status.new + k.leads_by_status.contacted + k.leads_by_status.qualified)} open`}
        />
        <KpiCard
          id="conversion"
          label="Conversion rate"
          value={formatPercent(ratio(k.leads_by_status.converted, k.leads_created))}
          hint={`${formatInt(k.leads_by_status.converted)} converted · ${formatPercent(ratio(k.leads_by_status.converted, closed))} of closed`}
        />
        <KpiCard
          id="revenue"
          label={`Revenue (${currency})`}
          value={formatMoney(totalRevenue, currency)}
          hint={
            lastMonth
              ? `${formatMonth(lastMonth.month)}${lastMonth.month === new Date().toISOString().slice(0, 7) ? ' so far' : ''}: ${formatMoney(lastMonth.amount_minor, currency)} (${formatGrowth(lastMonth.growth)} MoM)`
              : 'no sales in the period'
          }
        />
        <KpiCard
          id="retention"
          label="Customer retention"
          value={formatPercent(ret)}
          hint={`${formatInt(k.customers_by_status.churned ?? 0)} of ${formatInt(customers)} churned`}
        />
        <KpiCard
          id="response"
          label="Mean response time"
          value={formatDuration(k.mean_response_seconds)}
          hint={
            k.answered_messages > 0
              ? `over ${formatInt(k.answered_messages)} answered messages`
              : 'no answered messages in the period'
          }
        />
        <KpiCard
          id="hot"
          label="Hot leads"
          value={formatInt(k.leads_by_tier.hot)}
          hint={`${formatInt(k.scored_leads)} scored · ${formatInt(k.leads_by_tier.warm)} warm`}
        />
      </div>
      <div className="grid2">
        <section className="card">
          <h2>Leads by status</h2>
          {k.leads_created === 0 ? (
            <Empty title="No leads in this period" />
          ) : (
            <Chart option={charts.funnelOption} label="Funnel of leads by the stage they reached" />
          )}
        </section>
        <section className="card">
          <h2>Conversion by month created</h2>
          {k.conversion_by_month.length === 0 ? (
            <Empty title="No leads in this period" />
          ) : (
            <Chart
              option={charts.conversionMonth}
              label="Leads created and converted per month, with the conversion rate"
            />
          )}
        </section>
        <section className="card">
          <h2>Conversion by source</h2>
          {k.conversion_by_source.length === 0 ? (
            <Empty title="No leads in this period" />
          ) : (
            <Chart option={charts.conversionSource} label="Conversion rate per lead source" />
          )}
        </section>
        <section className="card">
          <h2>Revenue by month</h2>
          {revenue.length === 0 ? (
            <Empty title="No sales in this period" />
          ) : (
            <Chart
              option={charts.revenueOption}
              label="Revenue per month with month-on-month growth"
            />
          )}
        </section>
        <section className="card">
          <h2>Customer retention</h2>
          {customers === 0 ? (
            <Empty title="No customers yet" />
          ) : (
            <Chart
              option={charts.customerStatus}
              label={`Customers by status: ${formatPercent(ret)} retained`}
            />
          )}
        </section>
        <section className="card">
          <h2>Response time by month</h2>
          {k.response_by_month.length === 0 ? (
            <Empty title="No answered messages in this period" />
          ) : (
            <Chart
              option={charts.response}
              label="Mean time to answer an inbound message, per month, with the number answered"
            />
          )}
        </section>
        <section className="card">
          <h2>Lead score distribution</h2>
          {k.scored_leads === 0 ? (
            <Empty title="No scores yet">
              Scores appear once a model is trained (Admin → Models) and scores the open leads.
            </Empty>
          ) : (
            <Chart option={charts.scores} label="Number of open leads per probability band" />
          )}
        </section>
      </div>
    </>
  );
}
