import { describe, expect, it } from 'vitest';
import {
  canEditLead,
  canManageSettings,
  canManageUsers,
  canTrainModels,
  canWorkStep,
  legalMoves,
} from './permissions';
import type { Me, Role } from './types';

const me = (role: Role, id = 7): Me => ({ id, email: 'x@example.com', name: 'X', role });

describe('what each role is offered', () => {
  it('lets reps edit their own and unassigned leads only', () => {
    expect(canEditLead(me('rep'), { owner_id: 7 })).toBe(true);
    expect(canEditLead(me('rep'), { owner_id: null })).toBe(true);
    expect(canEditLead(me('rep'), { owner_id: 8 })).toBe(false);
    expect(canEditLead(me('manager'), { owner_id: 8 })).toBe(true);
    expect(canEditLead(me('admin'), { owner_id: 8 })).toBe(true);
    expect(canEditLead(me('viewer'), { owner_id: null })).toBe(false);
  });
  it('offers training to admins and managers, user management to admins', () => {
    expect((['admin', 'manager', 'rep', 'viewer'] as Role[]).filter(canTrainModels)).toEqual([
      'admin',
      'manager',
    ]);
    expect((['admin', 'manager', 'rep', 'viewer'] as Role[]).filter(canManageUsers)).toEqual([
      'admin',
    ]);
  });
  it('lets a rep work only their own steps, as the server’s activity policy does', () => {
    expect(canWorkStep(me('rep'), { owner_id: 7 })).toBe(true);
    expect(canWorkStep(me('rep'), { owner_id: null })).toBe(false);
    expect(canWorkStep(me('rep'), { owner_id: 8 })).toBe(false);
    expect(canWorkStep(me('manager'), { owner_id: 8 })).toBe(true);
    expect(canWorkStep(me('viewer'), { owner_id: 7 })).toBe(false);
    expect(canWorkStep(me('admin'), null)).toBe(false);
    expect((['admin', 'manager', 'rep', 'viewer'] as Role[]).filter(canManageSettings)).toEqual([
      'admin',
    ]);
  });
  it('knows the legal moves of a lead', () => {
    expect(legalMoves('new')).toEqual(['contacted']);
    expect(legalMoves('qualified')).toEqual(['converted', 'lost']);
    expect(legalMoves('converted')).toEqual([]);
    expect(legalMoves('bogus')).toEqual([]);
  });
});
