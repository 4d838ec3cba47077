import { describe, expect, it } from 'vitest';
import { match } from './router';
import { qualityRows } from './pages/ModelQuality';
import type { ModelVersion } from './types';

describe('route matching', () => {
  it('binds parameters and refuses other shapes', () => {
    expect(match('/leads/:id', '/leads/42')).toEqual({ id: '42' });
    expect(match('/leads/:id', '/leads/42/')).toEqual({ id: '42' });
    expect(match('/leads/:id', '/leads')).toBeNull();
    expect(match('/leads', '/customers')).toBeNull();
    expect(match('/customers/:id', '/customers/a%20b')).toEqual({ id: 'a b' });
  });
});

describe('model quality rows', () => {
  const test = (auc: number) => ({
    rows: 10,
    positives: 3,
    roc_auc: auc,
    pr_auc: 0.5,
    at_threshold: { f1: 0.5, precision: 0.5, recall: 0.5, accuracy: 0.5 },
  });
  it('puts the primary model next to the rule baseline', () => {
    const m: ModelVersion = {
      id: 1,
      entity: 'leads',
      target: 'converted',
      kind: 'lr',
      version: 3,
      created_at: '',
      active: true,
      metrics: {
        primary: 'lr',
        models: [
          { model: 'rule', test: test(0.7) },
          { model: 'gbdt', test: test(0.9) },
          { model: 'lr', test: test(0.8) },
        ],
      },
    };
    const [primary, rule] = qualityRows(m);
    expect(primary.name).toBe('lr (active, v3)');
    expect(primary.m?.test.roc_auc).toBe(0.8);
    expect(rule.m?.test.roc_auc).toBe(0.7);
  });
  it('leaves a missing report empty rather than guessing', () => {
    const m: ModelVersion = {
      id: 1,
      entity: 'leads',
      target: 'converted',
      kind: 'lr',
      version: 1,
      created_at: '',
      active: true,
      metrics: {},
    };
    expect(qualityRows(m).map((r) => r.m)).toEqual([undefined, undefined]);
  });
});
