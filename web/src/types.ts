// The shapes the API returns (see GET /api/v1/openapi.json).

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
  'id' | 'name' | 'email' | 'company' | 'source' | 'status' | 'owner_id' | 'expected_value_minor' | 'currency' | 'created_at' | 'updated_at'
> & { score: LeadScore | null; last_activity_at: string | null };

export interface RankedPage {
  items: RankedLead[];
  total: number;
  limit: number;
  offset: number;
}

export interface Lead {
  id: number;
  external_id: string | null;
  name: string;
  email: string | null;
  company: string | null;
  source: string | null;
  status: LeadStatus;
  owner_id: number | null;
  expected_value_minor: number | null;
  currency: string;
  attributes: Record<string, unknown>;
  customer_id: number | null;
  contacted_at: string | null;
  qualified_at: string | null;
  converted_at: string | null;
  lost_at: string | null;
  created_at: string;
  updated_at: string;
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

export interface Customer {
  id: number;
  external_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  country: string | null;
  status: 'active' | 'inactive' | 'churned';
  owner_id: number | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Transaction {
  id: number;
  external_id: string | null;
  line_no: number;
  customer_id: number | null;
  product_id: number | null;
  quantity: number;
  unit_price_minor: number;
  amount_minor: number;
  currency: string;
  occurred_at: string;
}

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
