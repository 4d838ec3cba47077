// The decision stage's figures for the Overview (GET /api/v1/decisions/kpis):
// the share of next steps made automatically rather than by hand, the time
// from a tier change to the first touch, and conversion by tier — for the
// Overview's period. An honest empty state when there are no decisions.
import { api, query } from '../api';
import { KpiCard } from '../components/KpiCard';
import { Empty, ErrorBox, Loading } from '../components/States';
import { dayStart, hasDecisions } from '../decision';
import { formatDuration, formatInt, formatPercent } from '../format';
import { useAsync } from '../hooks';
import type { DecisionKpis } from '../types';

export function DecisionKpisSection({ from, to }: { from: string; to: string }) {
  const kpis = useAsync(
    () =>
      api.get<DecisionKpis>(
        `/api/v1/decisions/kpis${query({ from: dayStart(from), to: dayStart(to) })}`,
      ),
    [from, to],
  );
  return (
    <section className="card" aria-labelledby="decision-kpis-h" data-testid="decision-kpis">
      <h2 id="decision-kpis-h">Next steps</h2>
      {kpis.error ? <ErrorBox error={kpis.error} onRetry={kpis.reload} /> : null}
      {kpis.loading && !kpis.data ? <Loading what="Loading decision figures" /> : null}
      {kpis.data && !hasDecisions(kpis.data) && (
        <Empty title="No decisions in this period">
          Next steps are decided when leads are scored or re-scored, or with “Decide now” on a lead.
        </Empty>
      )}
      {kpis.data && hasDecisions(kpis.data) && <Figures k={kpis.data} />}
    </section>
  );
}

function Figures({ k }: { k: DecisionKpis }) {
  const steps = k.next_steps.automatic + k.next_steps.manual;
  return (
    <>
      <div className="kpis">
        <KpiCard
          id="automated"
          label="Next steps made automatically"
          value={formatPercent(k.next_steps.automatic_share)}
          hint={`${formatInt(k.next_steps.automatic)} automatic · ${formatInt(k.next_steps.manual)} by hand of ${formatInt(steps)}`}
        />
        <KpiCard id="decisions" label="Decisions" value={formatInt(k.decisions)} />
        <KpiCard
          id="first-touch"
          label="Tier change to first touch (median)"
          value={formatDuration(k.first_touch.median_seconds)}
          hint={
            k.first_touch.touched > 0
              ? `mean ${formatDuration(k.first_touch.mean_seconds)} over ${formatInt(k.first_touch.touched)} touched`
              : 'no lead touched after a tier change yet'
          }
        />
      </div>
      <h3>Conversion by tier</h3>
      {k.conversion_by_tier.length === 0 ? (
        <p className="muted">No decision has an outcome yet.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="conversion-by-tier">
            <thead>
              <tr>
                <th scope="col">Tier</th>
                <th scope="col" className="num">
                  Decisions
                </th>
                <th scope="col" className="num">
                  Converted
                </th>
                <th scope="col" className="num">
                  Rate
                </th>
              </tr>
            </thead>
            <tbody>
              {k.conversion_by_tier.map((t) => (
                <tr key={t.tier}>
                  <td>
                    <span className={`chip chip-${t.tier}`}>{t.tier}</span>
                  </td>
                  <td className="num">{formatInt(t.decisions)}</td>
                  <td className="num">{formatInt(t.converted)}</td>
                  <td className="num">{formatPercent(t.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
