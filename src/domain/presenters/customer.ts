import type { Config } from '../../config.ts';
import type { CustomerExtras } from '../customers/customer.queries.ts';
import type { CustomerRow } from '../customers/customer.service.ts';
import { type CustomerCardListItemJson, presentCustomerCardListItem } from './customer-card.ts';
import { timestamp } from './time.ts';

export interface ExternalReferenceJson {
  source: string;
  external_id: string;
  metadata: Record<string, unknown>;
}

/** A customer as the REST API and event data show it. */
export interface CustomerJson {
  id: number;
  account_id: number;
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  stamp_count: number;
  customer_cards: CustomerCardListItemJson[];
  metadata: Record<string, unknown>;
  external_references: ExternalReferenceJson[];
  created_at: string;
  updated_at: string;
}

export function presentCustomer(config: Pick<Config, 'publicUrl'>, customer: CustomerRow, extras: CustomerExtras | undefined): CustomerJson {
  return {
    id: customer.id,
    account_id: customer.storeId,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    phone: customer.phone,
    birthday: customer.birthday,
    stamp_count: extras?.stampCount ?? 0,
    customer_cards: (extras?.customerCards ?? []).map((card) => presentCustomerCardListItem(config, card)),
    metadata: customer.metadata as Record<string, unknown>,
    external_references: (extras?.externalReferences ?? []).map((ref) => ({
      source: ref.source,
      external_id: ref.externalId,
      metadata: ref.metadata as Record<string, unknown>,
    })),
    created_at: timestamp(customer.createdAt),
    updated_at: timestamp(customer.updatedAt),
  };
}
