/** Row shapes of the PostgreSQL business tables (shared/postgres/migrations/0001_init.sql). */

/**
 * A `users` upsert: traits merge into the stored ones by event time (`traits_at`), first values
 * of the rest are kept.
 */
export interface UserRow {
  user_id: string;
  traits: Record<string, unknown>;
  /** Event time of the newest identify whose traits are in `traits`; null when there are none. */
  traits_at: string | null;
  tier: string | null;
  signup_at: string | null;
  country_code: string | null;
  first_seen: string;
  /** The profile changed (identify, signup, alias): enrich's cached copy must be dropped. */
  changed: boolean;
}

/** An `identities` link: anonymous id → user id, the latest link wins. */
export interface IdentityRow {
  anonymous_id: string;
  user_id: string;
  linked_at: string;
}

/** A product an event referenced; only fills what the catalog does not know. */
export interface ProductRow {
  product_id: string;
  name: string | null;
  category: string | null;
  price: number | null;
}

/** A `sessions` upsert: the window widens to cover every event seen in it. */
export interface SessionRow {
  session_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  platform: string | null;
  started_at: string;
  last_seen_at: string;
}

/** An `orders` row. */
export interface OrderRow {
  order_id: string;
  event_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  session_id: string;
  total: number;
  currency: string;
  total_base: number | null;
  base_currency: string;
  campaign: string | null;
  channel: string | null;
  city: string | null;
  country_code: string | null;
  created_at: string;
}

/** An `order_items` row. */
export interface OrderItemRow {
  order_id: string;
  line_no: number;
  product_id: string;
  quantity: number;
  unit_price: number;
}

/** A `signups` row. */
export interface SignupRow {
  user_id: string;
  event_id: string;
  method: string | null;
  platform: string | null;
  source_id: string;
  signed_up_at: string;
}

/** A `reviews` row. */
export interface ReviewRow {
  event_id: string;
  user_id: string | null;
  product_id: string;
  rating: number;
  body: string | null;
  created_at: string;
}

/** A `business_events` row. */
export interface BusinessEventRow {
  event_id: string;
  event: string;
  user_id: string | null;
  anonymous_id: string | null;
  session_id: string;
  occurred_at: string;
  properties: Record<string, unknown>;
  city: string | null;
  country_code: string | null;
  platform: string | null;
}

/** A refund: the order's status becomes `refunded`. */
export interface RefundRow {
  order_id: string;
  event_id: string;
}

/** Everything one event or one batch writes to PostgreSQL. */
export interface WritePlan {
  users: UserRow[];
  identities: IdentityRow[];
  products: ProductRow[];
  sessions: SessionRow[];
  orders: OrderRow[];
  orderItems: OrderItemRow[];
  signups: SignupRow[];
  reviews: ReviewRow[];
  businessEvents: BusinessEventRow[];
  refunds: RefundRow[];
}

/** A plan that writes nothing. */
export function emptyPlan(): WritePlan {
  return {
    users: [],
    identities: [],
    products: [],
    sessions: [],
    orders: [],
    orderItems: [],
    signups: [],
    reviews: [],
    businessEvents: [],
    refunds: [],
  };
}

/** Number of rows a plan writes, for the rows-written metric. */
export function planRowCount(plan: WritePlan): number {
  return Object.values(plan).reduce((sum, rows) => sum + rows.length, 0);
}
