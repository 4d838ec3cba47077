// What the dashboard offers each role: the server's policy
// (src/api/auth/policy.h) mirrored so that forbidden actions are not shown.
// The server still decides; a refusal shows its problem detail.
import type { Lead, Me, RankedLead, Role } from './types';

export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Admin',
  manager: 'Manager',
  rep: 'Sales rep',
  viewer: 'Viewer',
};

// Whether `me` may change this lead (fields and status): admins and managers
// any lead, a rep their own and unassigned ones, a viewer none.
export function canEditLead(me: Me, lead: Pick<Lead | RankedLead, 'owner_id'>): boolean {
  if (me.role === 'admin' || me.role === 'manager') return true;
  if (me.role === 'rep') return lead.owner_id === null || lead.owner_id === me.id;
  return false;
}

export const canCreateLead = (role: Role) => role !== 'viewer';
export const canAssignOwner = (role: Role) => role === 'admin' || role === 'manager';
export const canEditCustomer = (role: Role) => role === 'admin' || role === 'manager';
export const canTrainModels = (role: Role) => role === 'admin' || role === 'manager';
export const canListUsers = (role: Role) => role === 'admin' || role === 'manager';
export const canManageUsers = (role: Role) => role === 'admin';
// Decision settings and webhooks are settings: admins only.
export const canManageSettings = (role: Role) => role === 'admin';

// Deciding a lead's next step and logging its outcome change the lead: who
// may edit the lead may do them.
export const canDecide = canEditLead;

// Accepting, rejecting and completing a step change its activity: admins and
// managers any, a rep only their own (not unassigned ones), a viewer none.
export function canWorkStep(
  me: Me,
  activity: { owner_id: number | null } | null | undefined,
): boolean {
  if (!activity) return false;
  if (me.role === 'admin' || me.role === 'manager') return true;
  return me.role === 'rep' && activity.owner_id === me.id;
}

// The legal moves of a lead (src/store/lead_store.h).
const MOVES: Record<string, string[]> = {
  new: ['contacted'],
  contacted: ['qualified', 'lost'],
  qualified: ['converted', 'lost'],
  converted: [],
  lost: [],
};
export function legalMoves(status: string): string[] {
  return MOVES[status] ?? [];
}
