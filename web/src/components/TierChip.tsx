import type { DecisionTier, Tier } from '../types';

export function TierChip({ tier }: { tier: Tier | null | undefined }) {
  if (!tier)
    return (
      <span className="chip chip-none" title="Not scored yet">
        unscored
      </span>
    );
  return <span className={`chip chip-${tier}`}>{tier}</span>;
}

export function StatusChip({ status }: { status: string }) {
  return <span className={`chip status-${status}`}>{status}</span>;
}

// The decision stage's priority tier (high, medium, low).
export function DecisionTierChip({ tier }: { tier: DecisionTier }) {
  return (
    <span className={`chip chip-${tier}`} title="Priority tier of the decision">
      {tier} priority
    </span>
  );
}
