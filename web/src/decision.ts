// The decision card's and score chart's derivations from the server's
// records: the state a decision is in, which steps are still open, the
// utilities in order, the score history oldest first. Pure functions.
import type { Activity } from './timeline';
import type { Decision, DecisionAction, DecisionKpis, ScorePoint } from './types';
import { DECISION_ACTIONS } from './types';

export const ACTION_LABEL: Record<DecisionAction, string> = {
  call: 'Call the lead',
  email: 'Send an e-mail',
  offer: 'Make an offer',
  nurture: 'Nurture (no direct step)',
};

export const OUTCOME_LABEL: Record<string, string> = {
  converted: 'converted',
  engaged: 'engaged, not converted',
  rejected: 'rejected',
  no_conversion: 'did not convert',
};

export type StepState = 'open' | 'accepted' | 'done' | 'cancelled' | 'rejected' | 'closed';

// Where a decision stands: its outcome closes it; otherwise its activity's
// status (done or cancelled) or whether the rep accepted it.
export function stepState(
  d: Pick<Decision, 'outcome' | 'rejected_at' | 'accepted_at'>,
  activity: Pick<Activity, 'status'> | null | undefined,
): StepState {
  if (d.rejected_at) return 'rejected';
  if (d.outcome) return 'closed';
  if (activity?.status === 'done') return 'done';
  if (activity?.status === 'cancelled') return 'cancelled';
  if (d.accepted_at) return 'accepted';
  return 'open';
}

export function describeState(d: Decision, state: StepState): string {
  switch (state) {
    case 'open':
      return 'Waiting for the owner to take it on';
    case 'accepted':
      return 'Accepted; not done yet';
    case 'done':
      return 'Done; the outcome follows from the lead’s response';
    case 'cancelled':
      return 'Its activity was cancelled';
    case 'rejected':
      return `Rejected${d.reject_reason ? `: ${d.reject_reason}` : ''}`;
    case 'closed':
      return `Outcome: ${OUTCOME_LABEL[d.outcome ?? ''] ?? d.outcome}`;
  }
}

// Which feedback a state still takes (the server decides; this only hides
// buttons that would be refused).
export function stepActions(state: StepState): {
  accept: boolean;
  reject: boolean;
  complete: boolean;
  outcome: boolean;
} {
  const working = state === 'open' || state === 'accepted';
  return {
    accept: state === 'open',
    reject: working,
    complete: working,
    outcome: state !== 'closed' && state !== 'rejected',
  };
}

// Every action's utility, best first, the chosen one marked.
export function utilityRows(
  d: Decision,
): { action: DecisionAction; utility: number; chosen: boolean; probability: number | null }[] {
  return DECISION_ACTIONS.map((action) => ({
    action,
    utility: d.utility[action] ?? 0,
    chosen: action === d.action,
    probability: d.probabilities[action] ?? null,
  })).sort((a, b) => b.utility - a.utility);
}

// A deal value or a utility in the lead's currency units, two decimals.
export function formatUnits(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat('en-GB', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(v);
}

// The score history (the API gives it newest first) oldest first, as
// [time, probability in %] pairs for a time axis.
export function scoreSeries(points: ScorePoint[]): [string, number][] {
  return [...points]
    .sort((a, b) => (a.scored_at < b.scored_at ? -1 : a.scored_at > b.scored_at ? 1 : a.id - b.id))
    .map((p) => [p.scored_at, +(p.probability * 100).toFixed(2)]);
}

// A date input's day ("2026-11-01") as the start of that UTC day, which the
// decision routes take (they want a time with a zone).
export function dayStart(day: string): string {
  return day ? `${day}T00:00:00Z` : '';
}

// Whether the KPIs have anything to show.
export function hasDecisions(k: DecisionKpis): boolean {
  return k.decisions > 0 || k.next_steps.automatic + k.next_steps.manual > 0;
}

// The SSE frames that concern one lead: decision and score frames carry its id.
export function frameLeadId(data: string): number | null {
  try {
    const body = JSON.parse(data);
    return typeof body?.lead_id === 'number' ? body.lead_id : null;
  } catch {
    return null;
  }
}

// A logged decision's standing from its own record (the log does not fetch
// each activity): its outcome, else rejected or accepted, else pending.
export function logState(d: Pick<Decision, 'outcome' | 'rejected_at' | 'accepted_at'>): string {
  const state = stepState(d, null);
  if (state === 'closed' && d.outcome) return OUTCOME_LABEL[d.outcome] ?? d.outcome;
  return state === 'open' ? 'pending' : state;
}
