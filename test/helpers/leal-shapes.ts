/**
 * Response keys as the Leal REST reference (leal-rest-api.md, §3–§10) documents them, written out
 * here rather than imported from src so the tests hold the implementation to the reference.
 * `EXTRA_*` are keys Stampline adds (allowed: SDK models accept extra properties).
 */

export const STORE_KEYS = [
  'id', 'name', 'store_name', 'display_store_name', 'personal',
  'locations_count', 'cards_count', 'customers_count', 'posters_count', 'created_at', 'updated_at',
  // Stampline's contract (round two): the day of cards' max_stamps_per_day
  'time_zone',
];

export const CARD_KEYS = [
  'id', 'name', 'card_color', 'text_color', 'stamp_icon', 'stamp_color', 'stamps_required', 'initial_stamps',
  'strip_type', 'strip_color', 'strip_preset', 'header_text', 'archived_at', 'rewards_count',
  'customer_cards_count', 'created_at', 'updated_at',
  // Leal's current SDK
  'stamp_background_color', 'strip_opacity', 'auxiliary_fields', 'expires_at', 'show_member_field',
  'show_stamps_to_reward_field',
  // Stampline's contract (round two): anti-fraud limits
  'stamp_cooldown_seconds', 'max_stamps_per_day',
];
export const EXTRA_CARD_KEYS = ['account_id'];

export const CUSTOMER_CARD_LIST_KEYS = [
  'id', 'uuid', 'card_id', 'card_name', 'stamps_count', 'stamps_remaining', 'progress_percentage', 'status',
  'pass_installed', 'apple_wallet_url', 'google_wallet_url', 'issued_at', 'created_at', 'updated_at',
];
/** The list shape also names its store and customer, as the show shape does; both link the customer page. */
export const EXTRA_CUSTOMER_CARD_LIST_KEYS = ['account_id', 'customer_id', 'page_url'];
export const CUSTOMER_CARD_KEYS = [...CUSTOMER_CARD_LIST_KEYS, 'account_id', 'customer_id', 'available_rewards', 'page_url'];

export const CUSTOMER_KEYS = [
  'id', 'account_id', 'first_name', 'last_name', 'email', 'phone', 'birthday', 'stamp_count',
  'customer_cards', 'metadata', 'external_references', 'created_at', 'updated_at',
];

export const LOCATION_KEYS = ['id', 'account_id', 'name', 'address', 'latitude', 'longitude', 'created_at', 'updated_at'];

export const POSTER_KEYS = [
  'id', 'account_id', 'card_id', 'title', 'paper_size', 'primary_color', 'secondary_color', 'text_color', 'active',
  'signup_url', 'qr_code_url', 'display_url', 'created_at', 'updated_at', 'contact_collection_mode',
  'collect_email', 'collect_phone', 'require_email', 'require_phone', 'require_birthday', 'minimum_age',
];

export const REWARD_KEYS = [
  'id', 'account_id', 'card_id', 'name', 'description', 'stamps_required', 'position', 'active', 'created_at', 'updated_at',
];

export const REDEMPTION_KEYS = ['id', 'reward_id', 'reward_name', 'stamps_spent', 'stamps_remaining', 'redeemed_at'];

export const STATUS_KEYS = [
  'status', 'api_version', 'authentication', 'documentation_url', 'openapi_url', 'developer_portal_url', 'rate_limit', 'versioning',
];

/** The endpoint index of the reference (§2), plus GET /api/v1/status and the webhook subscriptions of the SDK (§10.2). */
export const REFERENCE_ENDPOINTS: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', '/api/v1/accounts'],
  ['GET', '/api/v1/accounts/:id'],
  ['PATCH', '/api/v1/accounts/:id'],
  ['GET', '/api/v1/accounts/:account_id/cards'],
  ['GET', '/api/v1/accounts/:account_id/cards/:id'],
  ['POST', '/api/v1/accounts/:account_id/cards'],
  ['PATCH', '/api/v1/accounts/:account_id/cards/:id'],
  ['GET', '/api/v1/accounts/:account_id/customers/:customer_id/customer_cards'],
  ['GET', '/api/v1/accounts/:account_id/customers/:customer_id/customer_cards/:id'],
  ['POST', '/api/v1/accounts/:account_id/customers/:customer_id/customer_cards/:id/stamp'],
  ['POST', '/api/v1/accounts/:account_id/customers/:customer_id/customer_cards/:id/redeem'],
  ['GET', '/api/v1/accounts/:account_id/customers'],
  ['GET', '/api/v1/accounts/:account_id/customers/:id'],
  ['POST', '/api/v1/accounts/:account_id/customers'],
  ['PATCH', '/api/v1/accounts/:account_id/customers/:id'],
  ['GET', '/api/v1/accounts/:account_id/locations'],
  ['GET', '/api/v1/accounts/:account_id/locations/:id'],
  ['POST', '/api/v1/accounts/:account_id/locations'],
  ['PATCH', '/api/v1/accounts/:account_id/locations/:id'],
  ['DELETE', '/api/v1/accounts/:account_id/locations/:id'],
  ['GET', '/api/v1/accounts/:account_id/posters'],
  ['GET', '/api/v1/accounts/:account_id/posters/:id'],
  ['POST', '/api/v1/accounts/:account_id/posters'],
  ['PATCH', '/api/v1/accounts/:account_id/posters/:id'],
  ['DELETE', '/api/v1/accounts/:account_id/posters/:id'],
  ['GET', '/api/v1/accounts/:account_id/rewards'],
  ['GET', '/api/v1/accounts/:account_id/rewards/:id'],
  ['POST', '/api/v1/accounts/:account_id/rewards'],
  ['PATCH', '/api/v1/accounts/:account_id/rewards/:id'],
  ['DELETE', '/api/v1/accounts/:account_id/rewards/:id'],
  ['GET', '/api/v1/status'],
  ['GET', '/api/v1/accounts/:account_id/webhook_subscriptions'],
  ['POST', '/api/v1/accounts/:account_id/webhook_subscriptions'],
  ['GET', '/api/v1/accounts/:account_id/webhook_subscriptions/:id'],
  ['PATCH', '/api/v1/accounts/:account_id/webhook_subscriptions/:id'],
  ['DELETE', '/api/v1/accounts/:account_id/webhook_subscriptions/:id'],
  ['POST', '/api/v1/accounts/:account_id/webhook_subscriptions/:id/rotate_secret'],
  ['POST', '/api/v1/accounts/:account_id/webhook_subscriptions/:id/test'],
];
