// The shapes the API returns (see GET /api/v1/openapi.json). The records
// themselves come from the server's field tables (records.gen.ts).
import type { Customer as CustomerRecord, Lead, Transaction } from './records.gen';

export type { Lead, Transaction };

export type Role = 'admin' | 'manager' | 'rep' | 'viewer';

export interface Me {
  id: number;
  email: string;
  name: string;
  role: Role;
}

export type LeadStatus = 'new' | 'contacted' | 'qualified' | 'converted' | 'lost';
export const LEAD_STATUSES: LeadStatus[] = ['new', 'contacted', 'qualified', 'converted', 'lost'];

export type Tier = 'hot' | 'warm' | 'cold';

export interface Factor {
  column: string;
  value: string;
  contribution: number;
  unit?: string;
  text?: string;
  words?: string;
}

export interface LeadScore {
  probability: number;
  score: number;
  rank: number;
  tier: Tier;
  factors: Factor[];
  scored_at: string;
}

// A lead's list fields with its latest score (GET /api/v1/lead-ranking).
export type RankedLead = Pick<
  Lead,
  | 'id'
  | 'name'
  | 'email'
  | 'company'
  | 'source'
  | 'status'
  | 'owner_id'
  | 'expected_value_minor'
  | 'currency'
  | 'created_at'
  | 'updated_at'
> & { score: LeadScore | null; last_activity_at: string | null };

export interface RankedPage {
  items: RankedLead[];
  total: number;
  limit: number;
  offset: number;
}

export interface StatusChange {
  id: number;
  lead_id: number;
  from_status: LeadStatus | null;
  to_status: LeadStatus;
  changed_at: string;
  user_id: number | null;
}

// A record's latest score in words (GET /api/v1/leads/{id}/explanation,
// GET /api/v1/customers/{id}/churn-risk).
export interface LatestScore {
  model: { id: number; version: number; kind: string; active: boolean };
  probability: number;
  score: number;
  rank: number;
  tier: Tier;
  scored_at: string;
  factors: Factor[];
  summary: string;
}

export type Explanation = LatestScore & { lead_id: number };

export type ChurnRisk = LatestScore & { customer_id: number };

export type Customer = CustomerRecord & {
  // Not served yet (segmentation is a later stage); shown only when present.
  segment?: string | null;
};

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  created_at: string;
}

export interface ApiToken {
  id: number;
  name: string;
  created_at?: string;
  expires_at?: string | null;
  last_used_at?: string | null;
}

export interface TestMetrics {
  rows: number;
  positives: number;
  roc_auc: number;
  pr_auc: number;
  at_threshold: { f1: number; precision: number; recall: number; accuracy: number };
}

export interface ModelSummary {
  model: string;
  detail?: string;
  test: TestMetrics;
}

export interface ModelVersion {
  id: number;
  entity: 'leads' | 'customers';
  target: string;
  kind: string;
  version: number;
  created_at: string;
  active: boolean;
  metrics: { primary?: string; rows?: Record<string, number>; models?: ModelSummary[] };
}

export interface ModelJob {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress?: string | null;
  model_id?: number | null;
  error?: string | null;
}

export interface Kpis {
  from: string | null;
  to: string | null;
  leads_by_status: Record<LeadStatus, number>;
  leads_created: number;
  conversion_by_month: { month: string; created: number; converted: number }[];
  conversion_by_source: { source: string; created: number; converted: number }[];
  revenue_by_month: { month: string; currency: string; amount_minor: number; lines: number }[];
  customers_by_status: Record<string, number>;
  answered_messages: number;
  mean_response_seconds: number | null;
  response_by_month: { month: string; answered: number; mean_response_seconds: number }[];
  score_distribution: { lower: number; upper: number; count: number }[];
  leads_by_tier: Record<Tier, number>;
  scored_leads: number;
}

// One point of a lead's score history (GET /api/v1/leads/{id}/scores).
export interface ScorePoint {
  id: number;
  model_id: number;
  probability: number;
  score: number;
  rank: number;
  tier: Tier;
  scored_at: string;
}

// The decision stage's tiers (src/decide/tier.h), not the scoring tiers.
export type DecisionTier = 'high' | 'medium' | 'low';
export type DecisionAction = 'call' | 'email' | 'offer' | 'nurture';
export const DECISION_ACTIONS: DecisionAction[] = ['call', 'email', 'offer', 'nurture'];
export type DecisionOutcome = 'converted' | 'engaged' | 'rejected' | 'no_conversion';
export const DECISION_OUTCOMES: DecisionOutcome[] = [
  'converted',
  'engaged',
  'rejected',
  'no_conversion',
];
export type ThresholdMode = 'admin' | 'capacity' | 'utility';

// A lead's decision (GET /api/v1/leads/{id}/decision, /api/v1/decisions/{id}).
export interface Decision {
  id: number;
  lead_id: number;
  model_id: number | null;
  score: number;
  probability: number;
  tier: DecisionTier;
  thresholds: { theta: number; theta1: number; mode: ThresholdMode };
  deal_value: number;
  utility: Record<DecisionAction, number>;
  action: DecisionAction;
  propensity: number;
  probabilities: Partial<Record<DecisionAction, number>>;
  policy: 'bandit' | 'utility';
  bandit_version: number;
  why: string;
  triggered_by: 'on_demand' | 'batch' | 'score_event';
  activity_id: number | null;
  created_at: string;
  accepted_at: string | null;
  rejected_at: string | null;
  reject_reason: string | null;
  outcome: DecisionOutcome | null;
  reward: number | null;
  outcome_at: string | null;
  outcome_source: string | null;
}

// GET /api/v1/decisions/kpis
export interface DecisionKpis {
  from: string | null;
  to: string | null;
  next_steps: { automatic: number; manual: number; automatic_share: number | null };
  decisions: number;
  first_touch: { touched: number; mean_seconds: number | null; median_seconds: number | null };
  conversion_by_tier: { tier: string; decisions: number; converted: number; rate: number | null }[];
}

// GET|PUT /api/v1/settings/decisions (the GET adds in_force).
export interface DecisionSettings {
  mode: ThresholdMode;
  theta: number;
  theta1: number;
  calls_per_rep_per_day: number;
  follow_ups_per_rep_per_day: number;
  value_source: 'expected_value' | 'average_won';
  default_value: number;
  costs: Record<DecisionAction, number>;
  service_hours: Record<DecisionTier, number>;
  workday: { start_hour: number; end_hour: number };
  horizon_days: number;
  exploration: number;
  in_force?: { theta: number; theta1: number; mode: ThresholdMode; basis: string };
}

export type WebhookTopic = 'decision' | 'alert' | 'score';
export const WEBHOOK_TOPICS: WebhookTopic[] = ['decision', 'alert', 'score'];

export interface Webhook {
  id: number;
  url: string;
  topics: WebhookTopic[];
  description: string;
  active: boolean;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  secret?: string;
}

export interface WebhookDelivery {
  id: number;
  endpoint_id: number;
  topic: string;
  event_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string;
  created_at: string;
  delivered_at: string | null;
  latency_ms: number | null;
}
