// One lead: its next step (the decision, with the feedback the user may
// give), its latest score with the reasons and its score history, its fields
// and attributes (editable by who may), its status history and the legal
// next statuses. Decision and score frames of the live stream for this lead
// refresh the next step, the score and the chart.
import { useState, type ReactNode } from 'react';
import { api, ApiError } from '../api';
import { DecisionCard } from '../components/DecisionCard';
import { ScoreHistoryChart } from '../components/ScoreHistory';
import { frameLeadId } from '../decision';
import { EditRecordForm, orNull, type FieldSpec } from '../components/EditRecordForm';
import { FactorList } from '../components/Factors';
import { RecordTimeline } from '../components/Timeline';
import { Link } from '../components/Link';
import { RecordDetails } from '../components/RecordDetails';
import { Empty, ErrorBox, Loading } from '../components/States';
import { StatusChip, TierChip } from '../components/TierChip';
import { formatDateTime, formatMoney, formatPercent } from '../format';
import { useAsync, useStreamFrames } from '../hooks';
import { canEditLead, legalMoves } from '../permissions';
import { ownerName, useMe, useUsers } from '../session';
import type { Explanation, Lead, Page, ScorePoint, StatusChange } from '../types';

// Score history points the chart shows at most (the newest).
const SCORE_HISTORY_POINTS = 200;

export function LeadDetailPage({ id }: { id: number }) {
  const me = useMe();
  const users = useUsers();
  const lead = useAsync(() => api.get<Lead>(`/api/v1/leads/${id}`), [id]);
  const history = useAsync(() => api.get<Page<StatusChange>>(`/api/v1/leads/${id}/history`), [id]);
  // Bumped by the live stream when this lead's score (then what the score
  // shows is read again) or decision (then the decision card) changes; a
  // re-score sends both frames, each reloads only its own part.
  const [liveScore, setLiveScore] = useState(0);
  const [liveDecision, setLiveDecision] = useState(0);
  const explanation = useAsync(
    () => api.get<Explanation>(`/api/v1/leads/${id}/explanation`),
    [id, liveScore],
  );
  const scores = useAsync(
    () => api.get<Page<ScorePoint>>(`/api/v1/leads/${id}/scores?limit=${SCORE_HISTORY_POINTS}`),
    [id, liveScore],
  );
  const [moveError, setMoveError] = useState<unknown>();
  useStreamFrames(['decision', 'score'], (topic, data) => {
    if (frameLeadId(data) !== id) return;
    if (topic === 'score') setLiveScore((n) => n + 1);
    else setLiveDecision((n) => n + 1);
  });

  if (lead.loading && !lead.data) return <Loading what="Loading the lead" />;
  if (lead.error) return <ErrorBox error={lead.error} onRetry={lead.reload} />;
  const l = lead.data!;
  const editable = canEditLead(me, l);

  const move = async (to: string) => {
    setMoveError(undefined);
    try {
      await api.post(`/api/v1/leads/${id}/status`, { status: to });
      lead.reload();
      history.reload();
    } catch (e) {
      setMoveError(e);
    }
  };

  return (
    <div className="page">
      <p>
        <Link href="/leads">← Leads</Link>
      </p>
      <div className="page-head">
        <h1 data-testid="lead-name">{l.name}</h1>
        <StatusChip status={l.status} />
      </div>
      <div className="grid2">
        <section className="card" aria-labelledby="decision-h">
          <h2 id="decision-h">Next step</h2>
          <DecisionCard
            lead={l}
            nonce={liveDecision}
            onChanged={() => {
              lead.reload();
              history.reload();
            }}
          />
        </section>
        <section className="card" aria-labelledby="score-h">
          <h2 id="score-h">Score</h2>
          {explanation.loading && !explanation.data ? <Loading /> : null}
          {explanation.error ? (
            explanation.error instanceof ApiError && explanation.error.status === 404 ? (
              <Empty title="Not scored">{explanation.error.problem.detail}</Empty>
            ) : (
              <ErrorBox error={explanation.error} />
            )
          ) : null}
          {explanation.data && (
            <div data-testid="score">
              <p className="score-line">
                <TierChip tier={explanation.data.tier} />{' '}
                <strong>{formatPercent(explanation.data.probability)}</strong> likely to convert ·
                rank #{explanation.data.rank}
              </p>
              <p>{explanation.data.summary}</p>
              <h3>Top factors</h3>
              <FactorList factors={explanation.data.factors} />
              <p className="muted small">
                Model {explanation.data.model.kind} v{explanation.data.model.version} · scored{' '}
                {formatDateTime(explanation.data.scored_at)}
              </p>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="score-history-h">
          <h2 id="score-history-h">Score history</h2>
          {scores.error ? <ErrorBox error={scores.error} onRetry={scores.reload} /> : null}
          {scores.loading && !scores.data ? <Loading /> : null}
          {scores.data && (
            <ScoreHistoryChart points={scores.data.items} more={scores.data.next_cursor !== null} />
          )}
        </section>
        <section className="card" aria-labelledby="status-h">
          <h2 id="status-h">Status</h2>
          {editable && legalMoves(l.status).length > 0 && (
            <div
              className="buttons"
              role="group"
              aria-label="Change status"
              data-testid="status-actions"
            >
              {legalMoves(l.status).map((to) => (
                <button key={to} type="button" onClick={() => move(to)}>
                  Mark {to}
                </button>
              ))}
            </div>
          )}
          {!editable && <p className="muted">You may not change this lead.</p>}
          {editable && legalMoves(l.status).length === 0 && (
            <p className="muted">{l.status} is final.</p>
          )}
          <ErrorBox error={moveError} />
          <h3>History</h3>
          {history.error ? <ErrorBox error={history.error} /> : null}
          {history.data && history.data.items.length === 0 && (
            <p className="muted">No status changes yet.</p>
          )}
          {history.data && history.data.items.length > 0 && (
            <ol className="timeline">
              {history.data.items.map((h) => (
                <li key={h.id}>
                  {formatDateTime(h.changed_at)}: {h.from_status ?? 'created'} →{' '}
                  <strong>{h.to_status}</strong>
                  {h.user_id !== null && (
                    <span className="muted"> by {ownerName(h.user_id, me, users)}</span>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <RecordDetails
        headingId="fields-h"
        editable={editable}
        fields={[
          ['E-mail', l.email ?? '—'],
          ['Company', l.company ?? '—'],
          ['Source', l.source ?? '—'],
          ['Owner', ownerName(l.owner_id, me, users)],
          ['Expected value', formatMoney(l.expected_value_minor, l.currency)],
          ['Created', formatDateTime(l.created_at)],
          ...(l.customer_id !== null
            ? [
                [
                  'Customer',
                  <Link href={`/customers/${l.customer_id}`}>customer #{l.customer_id}</Link>,
                ] as [string, ReactNode],
              ]
            : []),
        ]}
        attributes={l.attributes}
        form={(done) => <LeadForm lead={l} onDone={done} />}
        onSaved={lead.reload}
      />
      <section className="card" aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <RecordTimeline entity="lead" id={id} />
      </section>
    </div>
  );
}

const LEAD_FIELDS: FieldSpec[] = [
  { key: 'name', label: 'Name', required: true },
  { key: 'email', label: 'E-mail', type: 'email' },
  { key: 'company', label: 'Company' },
  { key: 'source', label: 'Source' },
];

function LeadForm({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  return (
    <EditRecordForm
      label="Edit lead"
      path={`/api/v1/leads/${lead.id}`}
      fields={[
        ...LEAD_FIELDS,
        { key: 'value', label: `Expected value (${lead.currency})`, inputMode: 'decimal' },
      ]}
      initial={{
        name: lead.name,
        email: lead.email ?? '',
        company: lead.company ?? '',
        source: lead.source ?? '',
        value: lead.expected_value_minor === null ? '' : String(lead.expected_value_minor / 100),
      }}
      attributes={lead.attributes}
      toBody={(v) => ({
        name: v.name,
        email: orNull(v.email),
        company: orNull(v.company),
        source: orNull(v.source),
        expected_value_minor: v.value.trim() === '' ? null : Math.round(Number(v.value) * 100),
      })}
      onDone={onDone}
    />
  );
}
