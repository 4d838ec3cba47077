// Generated from the records' field tables (src/store/schema/) by
// api::typescript_record_types(); do not edit. tests/api/record_types_test.cc
// fails when it is stale; ICRM_WRITE_RECORD_TYPES=1 build/tests/api_test
// --gtest_filter='RecordTypes*' writes it again.

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

export interface Lead {
  id: number;
  external_id: string | null;
  name: string;
  email: string | null;
  company: string | null;
  source: string | null;
  status: 'new' | 'contacted' | 'qualified' | 'converted' | 'lost';
  owner_id: number | null;
  expected_value_minor: number | null;
  currency: string;
  customer_id: number | null;
  contacted_at: string | null;
  qualified_at: string | null;
  converted_at: string | null;
  lost_at: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string | null;
  unit_price_minor: number;
  currency: string;
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
  created_at: string;
}

export interface Activity {
  id: number;
  kind: 'call' | 'email' | 'meeting' | 'offer' | 'task' | 'nurture';
  subject: string;
  due_at: string | null;
  status: 'open' | 'done' | 'cancelled';
  owner_id: number | null;
  lead_id: number | null;
  customer_id: number | null;
  created_by_user_id: number | null;
  created_by_system: boolean;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Communication {
  id: number;
  lead_id: number | null;
  customer_id: number | null;
  direction: 'in' | 'out';
  channel: 'email' | 'sms' | 'call' | 'chat';
  subject: string | null;
  body: string | null;
  occurred_at: string;
  response_seconds: number | null;
  created_at: string;
}
