// A lead's next step (GET /api/v1/leads/{id}/decision): its priority tier,
// the recommended action, the utility of every action and why, and the
// feedback the signed-in user may give — Accept, Reject (with a reason),
// Complete, Log outcome — or "Decide now" when the lead has no decision.
// After each action the decision and its activity are fetched again; a
// refusal shows the server's problem. `nonce` changes when the live stream
// says the lead's decision or score changed.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api';
import {
  ACTION_LABEL,
  describeState,
  formatUnits,
  OUTCOME_LABEL,
  stepActions,
  stepState,
  utilityRows,
} from '../decision';
import { formatDateTime, formatPercent } from '../format';
import { useAsync } from '../hooks';
import { canDecide, canWorkStep } from '../permissions';
import { useMe } from '../session';
import type { Activity } from '../timeline';
import { DECISION_OUTCOMES, type Decision, type DecisionOutcome, type Lead } from '../types';
import { Empty, ErrorBox, Loading } from './States';
import { DecisionTierChip } from './TierChip';

// A missing record (no decision yet, an activity the caller may not see) is
// null, not an error.
async function orNullWhenMissing<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

const CLOSED_STATUSES = ['converted', 'lost'];

export function DecisionCard({
  lead,
  nonce = 0,
  onChanged,
}: {
  lead: Lead;
  nonce?: number;
  onChanged?: () => void;
}) {
  const me = useMe();
  const decision = useAsync(
    () => orNullWhenMissing(api.get<Decision>(`/api/v1/leads/${lead.id}/decision`)),
    [lead.id, nonce],
  );
  const activityId = decision.data?.activity_id ?? null;
  const activity = useAsync(
    () =>
      activityId === null
        ? Promise.resolve(null)
        : orNullWhenMissing(api.get<Activity>(`/api/v1/activities/${activityId}`)),
    [activityId, nonce],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [form, setForm] = useState<'reject' | 'outcome' | null>(null);

  const run = async (what: string, call: () => Promise<unknown>) => {
    setBusy(what);
    setError(undefined);
    try {
      await call();
      setForm(null);
      decision.reload();
      activity.reload();
      onChanged?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const mayDecide = canDecide(me, lead) && !CLOSED_STATUSES.includes(lead.status);
  const decideNow = (label: string) => (
    <button
      type="button"
      className="primary"
      disabled={busy !== null}
      onClick={() => run('decide', () => api.post(`/api/v1/leads/${lead.id}/decision`))}
    >
      {label}
    </button>
  );

  if (decision.loading && decision.data === undefined)
    return <Loading what="Loading the next step" />;
  if (decision.error) return <ErrorBox error={decision.error} onRetry={decision.reload} />;
  const d = decision.data;
  if (!d) {
    return (
      <div data-testid="decision">
        <Empty title="No decision yet">
          {CLOSED_STATUSES.includes(lead.status)
            ? `The lead is ${lead.status}: closed leads get no next step.`
            : 'A next step is decided when the lead is scored or re-scored, or on demand.'}
        </Empty>
        {mayDecide && (
          <div className="buttons decision-actions" data-testid="decision-actions">
            {decideNow('Decide now')}
          </div>
        )}
        <ErrorBox error={error} />
      </div>
    );
  }

  const state = stepState(d, activity.data);
  const offered = stepActions(state);
  const work =
    canWorkStep(me, activity.data) && (offered.accept || offered.reject || offered.complete);
  const logOutcome = canDecide(me, lead) && offered.outcome;
  const again = mayDecide && !offered.complete;
  return (
    <div data-testid="decision">
      <p className="decision-head">
        <DecisionTierChip tier={d.tier} />{' '}
        <strong data-testid="decision-action">{ACTION_LABEL[d.action]}</strong>
      </p>
      <p data-testid="decision-state" data-state={state}>
        {describeState(d, state)}
        {activity.data?.due_at && (state === 'open' || state === 'accepted')
          ? ` · due ${formatDateTime(activity.data.due_at)}`
          : ''}
      </p>
      <dl className="fields small">
        <dt>Score S</dt>
        <dd>
          {d.score.toFixed(3)}: high above θ {d.thresholds.theta.toFixed(2)}, medium above θ₁{' '}
          {d.thresholds.theta1.toFixed(2)} ({d.thresholds.mode} thresholds)
        </dd>
        <dt>Probability P</dt>
        <dd>{formatPercent(d.probability)}</dd>
        <dt>Deal value V</dt>
        <dd>{formatUnits(d.deal_value)}</dd>
        <dt>Chosen by</dt>
        <dd>
          {d.policy === 'bandit'
            ? `Thompson sampling, chance ${formatPercent(d.propensity)}`
            : 'utility (every active step loses)'}{' '}
          · {d.triggered_by.replace('_', ' ')} · {formatDateTime(d.created_at)}
        </dd>
      </dl>
      <div className="table-wrap">
        <table className="compact" data-testid="decision-utility">
          <caption className="muted small">Expected utility U = P·V − C of each action</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col" className="num">
                Utility
              </th>
              <th scope="col" className="num">
                Chance chosen
              </th>
            </tr>
          </thead>
          <tbody>
            {utilityRows(d).map((r) => (
              <tr key={r.action} className={r.chosen ? 'chosen' : ''}>
                <td>
                  {r.action}
                  {r.chosen && (
                    <>
                      {' '}
                      <span className="chip chip-high">chosen</span>
                    </>
                  )}
                </td>
                <td className="num">{formatUnits(r.utility)}</td>
                <td className="num">{formatPercent(r.probability)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>Why</summary>
        <p className="why" data-testid="decision-why">
          {d.why}
        </p>
      </details>
      {(work || logOutcome || again) && (
        <div
          className="buttons decision-actions"
          role="group"
          aria-label="Work on the next step"
          data-testid="decision-actions"
        >
          {work && offered.accept && (
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => run('accept', () => api.post(`/api/v1/decisions/${d.id}/accept`))}
            >
              Accept
            </button>
          )}
          {work && offered.complete && (
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => run('complete', () => api.post(`/api/v1/decisions/${d.id}/complete`))}
            >
              Complete
            </button>
          )}
          {work && offered.reject && (
            <button
              type="button"
              disabled={busy !== null}
              aria-expanded={form === 'reject'}
              onClick={() => setForm(form === 'reject' ? null : 'reject')}
            >
              Reject…
            </button>
          )}
          {logOutcome && (
            <button
              type="button"
              disabled={busy !== null}
              aria-expanded={form === 'outcome'}
              onClick={() => setForm(form === 'outcome' ? null : 'outcome')}
            >
              Log outcome…
            </button>
          )}
          {again && decideNow('Decide again')}
        </div>
      )}
      {form === 'reject' && (
        <RejectForm
          busy={busy !== null}
          onCancel={() => setForm(null)}
          onSubmit={(reason) =>
            run('reject', () => api.post(`/api/v1/decisions/${d.id}/reject`, { reason }))
          }
        />
      )}
      {form === 'outcome' && (
        <OutcomeForm
          busy={busy !== null}
          onCancel={() => setForm(null)}
          onSubmit={(outcome) =>
            run('outcome', () => api.post(`/api/v1/decisions/${d.id}/outcome`, { outcome }))
          }
        />
      )}
      <ErrorBox error={error} />
      {activity.error ? <ErrorBox error={activity.error} /> : null}
    </div>
  );
}

// The server's limit on a rejection's reason (store::kMaxRejectReasonLength).
const MAX_REASON = 1000;

// A small form under the buttons: its fields, a submit button and Cancel.
function StepForm(props: {
  label: string;
  submit: string;
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form className="form-grid" onSubmit={submit} aria-label={props.label}>
      {props.children}
      <div className="buttons">
        <button type="submit" className="primary" disabled={props.busy}>
          {props.submit}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RejectForm({
  busy,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <StepForm
      label="Reject the next step"
      submit="Reject step"
      busy={busy}
      onSubmit={() => onSubmit(reason.trim())}
      onCancel={onCancel}
    >
      <label className="wide">
        Reason for rejecting
        <textarea
          required
          maxLength={MAX_REASON}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          autoFocus
        />
      </label>
    </StepForm>
  );
}

function OutcomeForm({
  busy,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  onSubmit: (o: DecisionOutcome) => void;
  onCancel: () => void;
}) {
  const [outcome, setOutcome] = useState<DecisionOutcome>('converted');
  return (
    <StepForm
      label="Log the outcome"
      submit="Save outcome"
      busy={busy}
      onSubmit={() => onSubmit(outcome)}
      onCancel={onCancel}
    >
      <label>
        Outcome
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as DecisionOutcome)}>
          {DECISION_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABEL[o]}
            </option>
          ))}
        </select>
      </label>
    </StepForm>
  );
}
