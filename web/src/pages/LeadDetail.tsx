// One lead: its fields and attributes (editable by who may), its status
// history and the legal next statuses, and its latest score with the reasons.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { attributeRows, attributesPatch, attributeText } from '../attributes';
import { AttributesEditor } from '../components/AttributesEditor';
import { FactorList } from '../components/Factors';
import { RecordTimeline } from '../components/Timeline';
import { Link } from '../components/Link';
import { Empty, ErrorBox, Loading } from '../components/States';
import { StatusChip, TierChip } from '../components/TierChip';
import { formatDateTime, formatMoney, formatPercent } from '../format';
import { useAsync } from '../hooks';
import { canEditLead, legalMoves } from '../permissions';
import { ownerName, useMe, useUsers } from '../session';
import type { Explanation, Lead, Page, StatusChange } from '../types';

export function LeadDetailPage({ id }: { id: number }) {
  const me = useMe();
  const users = useUsers();
  const lead = useAsync(() => api.get<Lead>(`/api/v1/leads/${id}`), [id]);
  const history = useAsync(() => api.get<Page<StatusChange>>(`/api/v1/leads/${id}/history`), [id]);
  const explanation = useAsync(() => api.get<Explanation>(`/api/v1/leads/${id}/explanation`), [id]);
  const [moveError, setMoveError] = useState<unknown>();
  const [editing, setEditing] = useState(false);

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
                <TierChip tier={explanation.data.tier} /> <strong>{formatPercent(explanation.data.probability)}</strong> likely to convert · rank #
                {explanation.data.rank}
              </p>
              <p>{explanation.data.summary}</p>
              <h3>Top factors</h3>
              <FactorList factors={explanation.data.factors} />
              <p className="muted small">
                Model {explanation.data.model.kind} v{explanation.data.model.version} · scored {formatDateTime(explanation.data.scored_at)}
              </p>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="status-h">
          <h2 id="status-h">Status</h2>
          {editable && legalMoves(l.status).length > 0 && (
            <div className="buttons" role="group" aria-label="Change status" data-testid="status-actions">
              {legalMoves(l.status).map((to) => (
                <button key={to} type="button" onClick={() => move(to)}>
                  Mark {to}
                </button>
              ))}
            </div>
          )}
          {!editable && <p className="muted">You may not change this lead.</p>}
          {editable && legalMoves(l.status).length === 0 && <p className="muted">{l.status} is final.</p>}
          <ErrorBox error={moveError} />
          <h3>History</h3>
          {history.error ? <ErrorBox error={history.error} /> : null}
          {history.data && history.data.items.length === 0 && <p className="muted">No status changes yet.</p>}
          {history.data && history.data.items.length > 0 && (
            <ol className="timeline">
              {history.data.items.map((h) => (
                <li key={h.id}>
                  {formatDateTime(h.changed_at)}: {h.from_status ?? 'created'} → <strong>{h.to_status}</strong>
                  {h.user_id !== null && <span className="muted"> by {ownerName(h.user_id, me, users)}</span>}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="fields-h">
        <div className="page-head">
          <h2 id="fields-h">Details</h2>
          {editable && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
        </div>
        {editing ? (
          <LeadForm lead={l} onDone={() => { setEditing(false); lead.reload(); }} />
        ) : (
          <dl className="fields">
            <dt>E-mail</dt>
            <dd>{l.email ?? '—'}</dd>
            <dt>Company</dt>
            <dd>{l.company ?? '—'}</dd>
            <dt>Source</dt>
            <dd>{l.source ?? '—'}</dd>
            <dt>Owner</dt>
            <dd>{ownerName(l.owner_id, me, users)}</dd>
            <dt>Expected value</dt>
            <dd>{formatMoney(l.expected_value_minor, l.currency)}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(l.created_at)}</dd>
            {l.customer_id !== null && (
              <>
                <dt>Customer</dt>
                <dd>
                  <Link href={`/customers/${l.customer_id}`}>customer #{l.customer_id}</Link>
                </dd>
              </>
            )}
            {Object.entries(l.attributes).map(([k, v]) => (
              <div key={k} className="attr">
                <dt>{k}</dt>
                <dd>{attributeText(v)}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section className="card" aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <RecordTimeline entity="lead" id={id} />
      </section>
    </div>
  );
}

function LeadForm({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const [name, setName] = useState(lead.name);
  const [email, setEmail] = useState(lead.email ?? '');
  const [company, setCompany] = useState(lead.company ?? '');
  const [source, setSource] = useState(lead.source ?? '');
  const [value, setValue] = useState(lead.expected_value_minor === null ? '' : String(lead.expected_value_minor / 100));
  const [attrs, setAttrs] = useState(() => attributeRows(lead.attributes));
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const minor = value.trim() === '' ? null : Math.round(Number(value) * 100);
    const attributes = attributesPatch(lead.attributes, attrs);
    if ('error' in attributes) {
      setError(new Error(`Custom attributes: ${attributes.error}`));
      return;
    }
    try {
      await api.patch(`/api/v1/leads/${lead.id}`, {
        name,
        email: email || null,
        company: company || null,
        source: source || null,
        expected_value_minor: minor,
        ...(Object.keys(attributes.patch).length > 0 ? { attributes: attributes.patch } : {}),
      });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="form-grid" aria-label="Edit lead">
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        E-mail
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Company
        <input value={company} onChange={(e) => setCompany(e.target.value)} />
      </label>
      <label>
        Source
        <input value={source} onChange={(e) => setSource(e.target.value)} />
      </label>
      <label>
        Expected value ({lead.currency})
        <input inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <AttributesEditor rows={attrs} onChange={setAttrs} />
      <ErrorBox error={error} />
      <div className="buttons">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
