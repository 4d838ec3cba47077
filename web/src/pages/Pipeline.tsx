// The pipeline as a board: one column per status, cards in rank order.
// Dragging a card (or choosing "Move to" on it, for the keyboard) asks the
// server to change the status; a refusal shows the server's reason.
import { useState, type DragEvent } from 'react';
import { api } from '../api';
import { Link } from '../components/Link';
import { ErrorBox, Loading } from '../components/States';
import { TierChip } from '../components/TierChip';
import { formatMoney, formatPercent } from '../format';
import { useAsync } from '../hooks';
import { canEditLead, legalMoves } from '../permissions';
import { useMe } from '../session';
import { LEAD_STATUSES, type LeadStatus, type RankedLead, type RankedPage } from '../types';

const PER_COLUMN = 50;

export function PipelinePage() {
  const me = useMe();
  const board = useAsync(async () => {
    const pages = await Promise.all(
      LEAD_STATUSES.map((s) =>
        api.get<RankedPage>(`/api/v1/lead-ranking?status=${s}&limit=${PER_COLUMN}`),
      ),
    );
    return Object.fromEntries(LEAD_STATUSES.map((s, i) => [s, pages[i]])) as Record<
      LeadStatus,
      RankedPage
    >;
  }, []);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState<string | null>(null);

  const move = async (lead: RankedLead, to: string) => {
    if (to === lead.status) return;
    setError(undefined);
    setBusy(true);
    try {
      await api.post(`/api/v1/leads/${lead.id}/status`, { status: to });
      board.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const all = board.data ? LEAD_STATUSES.flatMap((s) => board.data![s].items) : [];
  const onDrop = (e: DragEvent, to: string) => {
    e.preventDefault();
    setOver(null);
    const id = Number(e.dataTransfer.getData('text/plain'));
    const lead = all.find((l) => l.id === id);
    if (lead) void move(lead, to);
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>Pipeline</h1>
        {busy && <span className="muted">Saving…</span>}
      </div>
      <p className="muted">
        Drag a card to another column, or use its “Move to” menu. Each column shows its {PER_COLUMN}{' '}
        most promising leads.
      </p>
      <ErrorBox error={error} />
      {board.error ? <ErrorBox error={board.error} onRetry={board.reload} /> : null}
      {board.loading && !board.data ? <Loading what="Loading the pipeline" /> : null}
      {board.data && (
        <div className="board">
          {LEAD_STATUSES.map((status) => (
            <section
              key={status}
              className={`column ${over === status ? 'over' : ''}`}
              aria-labelledby={`col-${status}`}
              data-testid={`column-${status}`}
              onDragOver={(e) => {
                e.preventDefault();
                setOver(status);
              }}
              onDragLeave={() => setOver(null)}
              onDrop={(e) => onDrop(e, status)}
            >
              <h2 id={`col-${status}`}>
                {status} <span className="count">{board.data![status].total}</span>
              </h2>
              {board.data![status].items.map((l) => {
                const editable = canEditLead(me, l);
                return (
                  <article
                    key={l.id}
                    className="kcard"
                    draggable={editable}
                    data-testid={`card-${l.id}`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData('text/plain', String(l.id));
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                  >
                    <Link href={`/leads/${l.id}`} draggable={false}>
                      {l.name}
                    </Link>
                    <div className="small muted">{l.company ?? ''}</div>
                    <div className="small">
                      <TierChip tier={l.score?.tier} />{' '}
                      {l.score ? formatPercent(l.score.probability, 0) : ''} ·{' '}
                      {formatMoney(l.expected_value_minor, l.currency)}
                    </div>
                    {editable && legalMoves(l.status).length > 0 && (
                      <label className="small">
                        Move to{' '}
                        <select
                          aria-label={`Move ${l.name} to`}
                          value=""
                          onChange={(e) => e.target.value && void move(l, e.target.value)}
                        >
                          <option value="">…</option>
                          {LEAD_STATUSES.filter((s) => s !== l.status).map((s) => (
                            <option key={s} value={s}>
                              {s}
                            </option>
                          ))}
                        </select>
                      </label>
                    )}
                  </article>
                );
              })}
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
