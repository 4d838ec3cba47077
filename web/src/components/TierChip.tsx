import type { Tier } from '../types';

export function TierChip({ tier }: { tier: Tier | null | undefined }) {
  if (!tier) return <span className="chip chip-none" title="Not scored yet">unscored</span>;
  return <span className={`chip chip-${tier}`}>{tier}</span>;
}

export function StatusChip({ status }: { status: string }) {
  return <span className={`chip status-${status}`}>{status}</span>;
}
