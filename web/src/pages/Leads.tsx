// Leads in rank order (GET /api/v1/lead-ranking): the most promising first,
// with tier, probability, owner, filters, search and pages.
import { useState } from 'react';
import { api, query } from '../api';
import { FactorsHover } from '../components/Factors';
import { ChoiceFilter, SearchField } from '../components/Filters';
import { Link } from '../components/Link';
import { Empty, ErrorBox, Loading } from '../components/States';
import { StatusChip, TierChip } from '../components/TierChip';
import { formatDate, formatMoney, formatPercent } from '../format';
import { useAsync } from '../hooks';
import { canListUsers } from '../permissions';
import { navigate } from '../router';
import { ownerName, useMe, useUsers } from '../session';
import { LEAD_STATUSES, type RankedPage } from '../types';

const PAGE = 25;
const SOURCES = ['web', 'ads', 'referral', 'event', 'cold'];

export function LeadsPage() {
  const me = useMe();
  const users = useUsers();
  const [status, setStatus] = useState('');
  const [tier, setTier] = useState('');
  const [source, setSource] = useState('');
  const [owner, setOwner] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  // Back to the first page when a filter changes, during render: an effect
  // would first fetch the old offset with the new filters, then fetch again.
  const filterKey = [status, tier, source, owner, q].join('\u0000');
  const [offsetFor, setOffsetFor] = useState(filterKey);
  if (offsetFor !== filterKey) {
    setOffsetFor(filterKey);
    setOffset(0);
  }

  const page = useAsync(
    () =>
      api.get<RankedPage>(
        `/api/v1/lead-ranking${query({ limit: PAGE, offset, status, tier, source, owner_id: owner, q })}`,
      ),
    [status, tier, source, owner, q, offset],
  );

  return (
    <div className="page">
      <div className="page-head">
        <h1>Leads</h1>
        <span className="muted">
          {page.data ? `${page.data.total} leads, most promising first` : ''}
        </span>
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Filter leads"
        onSubmit={(e) => e.preventDefault()}
      >
        <SearchField onSearch={setQ} />
        <ChoiceFilter label="Status" value={status} onChange={setStatus} options={LEAD_STATUSES} />
        <ChoiceFilter
          label="Tier"
          value={tier}
          onChange={setTier}
          options={['hot', 'warm', 'cold']}
        />
        <ChoiceFilter label="Source" value={source} onChange={setSource} options={SOURCES} />
        {canListUsers(me.role) && (
          <ChoiceFilter
            label="Owner"
            value={owner}
            onChange={setOwner}
            any="anyone"
            options={[...users.values()].map((u) => ({ value: String(u.id), label: u.name }))}
          />
        )}
      </form>
      {page.error ? <ErrorBox error={page.error} onRetry={page.reload} /> : null}
      {page.loading && !page.data ? <Loading what="Loading leads" /> : null}
      {page.data && page.data.items.length === 0 && (
        <Empty title="No leads match">Change the filters or the search.</Empty>
      )}
      {page.data && page.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="leads" data-testid="leads-table">
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Lead</th>
                <th scope="col">Tier</th>
                <th scope="col">P(convert)</th>
                <th
                  scope="col"
                  className="hide-narrow"
                  title="The model's score (its ranking key; for the hybrid model, not a probability)"
                >
                  Score
                </th>
                <th scope="col" className="hide-narrow">
                  Status
                </th>
                <th scope="col" className="hide-narrow">
                  Owner
                </th>
                <th scope="col" className="hide-narrow">
                  Value
                </th>
                <th
                  scope="col"
                  className="hide-narrow"
                  title="The latest message or completed activity"
                >
                  Last activity
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((l) => (
                <tr
                  key={l.id}
                  className="clickable"
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('a,button')) return;
                    navigate(`/leads/${l.id}`);
                  }}
                >
                  <td>{l.score ? `#${l.score.rank}` : '—'}</td>
                  <td>
                    <Link href={`/leads/${l.id}`}>{l.name}</Link>
                    <div className="muted small">{l.company ?? l.email ?? ''}</div>
                  </td>
                  <td>
                    <TierChip tier={l.score?.tier} />
                  </td>
                  <td>
                    {l.score ? formatPercent(l.score.probability) : '—'}{' '}
                    {l.score && <FactorsHover factors={l.score.factors} id={`factors-${l.id}`} />}
                  </td>
                  <td className="hide-narrow num">{l.score ? l.score.score.toFixed(3) : '—'}</td>
                  <td className="hide-narrow">
                    <StatusChip status={l.status} />
                  </td>
                  <td className="hide-narrow">{ownerName(l.owner_id, me, users)}</td>
                  <td className="hide-narrow">{formatMoney(l.expected_value_minor, l.currency)}</td>
                  <td className="hide-narrow">
                    {l.last_activity_at ? (
                      formatDate(l.last_activity_at)
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data && page.data.total > PAGE && (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            ← Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, page.data.total)} of {page.data.total}
          </span>
          <button
            type="button"
            disabled={offset + PAGE >= page.data.total}
            onClick={() => setOffset(offset + PAGE)}
          >
            Next →
          </button>
        </nav>
      )}
    </div>
  );
}
