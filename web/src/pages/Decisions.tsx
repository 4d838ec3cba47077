// The decision log (GET /api/v1/decisions), newest first: when, which lead,
// the tier, the action and how it was chosen, what triggered it, and where
// it stands. Filters by tier, action and outcome; older pages are appended
// with the server's cursor. A rep sees decisions on their own and
// unassigned leads (the server scopes it).
import { useState } from 'react';
import { api, query } from '../api';
import { ChoiceFilter } from '../components/Filters';
import { Link } from '../components/Link';
import { Empty, ErrorBox, Loading } from '../components/States';
import { DecisionTierChip } from '../components/TierChip';
import { logState } from '../decision';
import { formatDateTime, formatPercent } from '../format';
import { useAsync } from '../hooks';
import { useMe } from '../session';
import { DECISION_ACTIONS, DECISION_OUTCOMES, type Decision, type Page } from '../types';

const LOG_PAGE = 50;

export function DecisionsPage() {
  const me = useMe();
  const [tier, setTier] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const filters = { limit: LOG_PAGE, tier, action, outcome };
  const first = useAsync(
    () => api.get<Page<Decision>>(`/api/v1/decisions${query(filters)}`),
    [tier, action, outcome],
  );
  const [older, setOlder] = useState<Decision[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  // A new first page drops the older pages (during render, not in an effect
  // that would first show them under the new first page).
  const [pagedFrom, setPagedFrom] = useState(first.data);
  if (pagedFrom !== first.data) {
    setPagedFrom(first.data);
    setOlder([]);
    setNext(first.data?.next_cursor ?? null);
  }
  const more = async () => {
    setMoreError(undefined);
    try {
      const p = await api.get<Page<Decision>>(
        `/api/v1/decisions${query({ ...filters, cursor: next })}`,
      );
      setOlder((o) => [...o, ...p.items]);
      setNext(p.next_cursor);
    } catch (e) {
      setMoreError(e);
    }
  };
  const rows = [...(first.data?.items ?? []), ...older];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Decisions</h1>
      </div>
      {me.role === 'rep' && <p className="muted">Decisions on your own and unassigned leads.</p>}
      <form
        className="filters"
        role="search"
        aria-label="Filter decisions"
        onSubmit={(e) => e.preventDefault()}
      >
        <ChoiceFilter
          label="Tier"
          value={tier}
          onChange={setTier}
          options={['high', 'medium', 'low']}
        />
        <ChoiceFilter
          label="Action"
          value={action}
          onChange={setAction}
          options={DECISION_ACTIONS}
        />
        <ChoiceFilter
          label="Outcome"
          value={outcome}
          onChange={setOutcome}
          options={['pending', 'known', ...DECISION_OUTCOMES]}
        />
      </form>
      {first.error ? <ErrorBox error={first.error} onRetry={first.reload} /> : null}
      {first.loading && !first.data ? <Loading what="Loading decisions" /> : null}
      {first.data && rows.length === 0 && (
        <Empty title="No decisions match">
          Next steps are decided when leads are scored or re-scored, or with “Decide now” on a lead.
        </Empty>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="decisions-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Lead</th>
                <th scope="col">Tier</th>
                <th scope="col">Action</th>
                <th scope="col" className="hide-narrow">
                  Chosen by
                </th>
                <th scope="col" className="hide-narrow">
                  Trigger
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>{formatDateTime(d.created_at)}</td>
                  <td>
                    <Link href={`/leads/${d.lead_id}`}>lead #{d.lead_id}</Link>
                  </td>
                  <td>
                    <DecisionTierChip tier={d.tier} />
                  </td>
                  <td>{d.action}</td>
                  <td className="hide-narrow">
                    {d.policy === 'bandit' ? `bandit, ${formatPercent(d.propensity)}` : 'utility'}
                  </td>
                  <td className="hide-narrow">{d.triggered_by.replace('_', ' ')}</td>
                  <td>{logState(d)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox error={moreError} />
      {next && (
        <div className="buttons">
          <button type="button" onClick={more}>
            Older decisions
          </button>
        </div>
      )}
    </div>
  );
}
