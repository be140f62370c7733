import type { Db } from '../../db/client.ts';
import type { CustomerCardDetail, RewardOfCard } from './customer-card.queries.ts';

/**
 * One row per reward of the card (one row with null reward columns when it has none), the customer
 * card and its card repeated on each. Every column is named, so a column added to the schema fails to
 * typecheck in `detailFromRows` instead of going missing.
 */
interface DetailRow {
  id: number;
  uuid: string;
  store_id: number;
  customer_id: number;
  card_id: number;
  stamps_count: number;
  pass_token: string;
  pass_installed: boolean;
  google_issued_at: Date | null;
  issued_at: Date;
  created_at: Date;
  updated_at: Date;
  c_store_id: number;
  c_name: string;
  c_card_color: string;
  c_text_color: string;
  c_stamp_icon: string;
  c_stamp_color: string;
  c_stamps_required: number;
  c_initial_stamps: number;
  c_strip_type: string;
  c_strip_color: string | null;
  c_strip_preset: string | null;
  c_header_text: string | null;
  c_archived_at: Date | null;
  c_created_at: Date;
  c_updated_at: Date;
  c_stamp_background_color: string | null;
  c_strip_opacity: number;
  c_auxiliary_fields: CustomerCardDetail['card']['auxiliaryFields'];
  c_expires_at: Date | null;
  c_show_member_field: boolean;
  c_show_stamps_to_reward_field: boolean;
  c_stamp_cooldown_seconds: number;
  c_max_stamps_per_day: number | null;
  r_id: number | null;
  r_store_id: number;
  r_name: string;
  r_description: string | null;
  r_stamps_required: number;
  r_position: number;
  r_active: boolean;
  r_created_at: Date;
  r_updated_at: Date;
}

/**
 * The customer card `id` in `storeId` (of `customerId` when given), with its card and the card's rewards
 * in display order: what `findFirst({ where: { id, storeId, customerId }, include: detailInclude })` returns, read
 * in one statement. Prisma reads it in three on SQLite (no relation joins there) and spends most of a
 * REST show's CPU planning, running and mapping them (docs/performance.md). The text is the same on
 * both databases; `$queryRaw` binds the values as parameters of a statement each connection prepares
 * once. test/domain/customer-card-detail.test.ts checks it against the Prisma read on both databases.
 */
export async function readCustomerCardDetail(
  db: Db,
  where: { id: number; storeId: number; customerId?: number },
): Promise<CustomerCardDetail | null> {
  // One text for both forms (a statement prepared once); the cast gives the parameter a type on PostgreSQL.
  const customerId = where.customerId ?? null;
  const rows = await db.$queryRaw<DetailRow[]>`
    SELECT cc.id, cc.uuid, cc.store_id, cc.customer_id, cc.card_id, cc.stamps_count, cc.pass_token,
      cc.pass_installed, cc.google_issued_at, cc.issued_at, cc.created_at, cc.updated_at,
      c.store_id AS c_store_id, c.name AS c_name, c.card_color AS c_card_color, c.text_color AS c_text_color,
      c.stamp_icon AS c_stamp_icon, c.stamp_color AS c_stamp_color, c.stamps_required AS c_stamps_required,
      c.initial_stamps AS c_initial_stamps, c.strip_type AS c_strip_type, c.strip_color AS c_strip_color,
      c.strip_preset AS c_strip_preset, c.header_text AS c_header_text, c.archived_at AS c_archived_at,
      c.created_at AS c_created_at, c.updated_at AS c_updated_at,
      c.stamp_background_color AS c_stamp_background_color, c.strip_opacity AS c_strip_opacity,
      c.auxiliary_fields AS c_auxiliary_fields, c.expires_at AS c_expires_at,
      c.show_member_field AS c_show_member_field, c.show_stamps_to_reward_field AS c_show_stamps_to_reward_field,
      c.stamp_cooldown_seconds AS c_stamp_cooldown_seconds, c.max_stamps_per_day AS c_max_stamps_per_day,
      r.id AS r_id, r.store_id AS r_store_id, r.name AS r_name, r.description AS r_description,
      r.stamps_required AS r_stamps_required, r.position AS r_position, r.active AS r_active,
      r.created_at AS r_created_at, r.updated_at AS r_updated_at
    FROM customer_cards cc
    JOIN cards c ON c.id = cc.card_id
    LEFT JOIN rewards r ON r.card_id = c.id
    WHERE cc.id = ${where.id} AND cc.store_id = ${where.storeId}
      AND (CAST(${customerId} AS INTEGER) IS NULL OR cc.customer_id = ${customerId})
    ORDER BY r.position, r.id`;
  return rows.length === 0 ? null : detailFromRows(rows);
}

function detailFromRows(rows: DetailRow[]): CustomerCardDetail {
  const row = rows[0]!;
  const rewards: RewardOfCard[] = [];
  for (const r of rows) {
    if (r.r_id === null) continue;
    rewards.push({
      id: r.r_id,
      storeId: r.r_store_id,
      cardId: row.card_id,
      name: r.r_name,
      description: r.r_description,
      stampsRequired: r.r_stamps_required,
      position: r.r_position,
      active: r.r_active,
      createdAt: r.r_created_at,
      updatedAt: r.r_updated_at,
    });
  }
  return {
    id: row.id,
    uuid: row.uuid,
    storeId: row.store_id,
    customerId: row.customer_id,
    cardId: row.card_id,
    stampsCount: row.stamps_count,
    passToken: row.pass_token,
    passInstalled: row.pass_installed,
    googleIssuedAt: row.google_issued_at,
    issuedAt: row.issued_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    card: {
      id: row.card_id,
      storeId: row.c_store_id,
      name: row.c_name,
      cardColor: row.c_card_color,
      textColor: row.c_text_color,
      stampIcon: row.c_stamp_icon,
      stampColor: row.c_stamp_color,
      stampsRequired: row.c_stamps_required,
      initialStamps: row.c_initial_stamps,
      stripType: row.c_strip_type,
      stripColor: row.c_strip_color,
      stripPreset: row.c_strip_preset,
      headerText: row.c_header_text,
      archivedAt: row.c_archived_at,
      createdAt: row.c_created_at,
      updatedAt: row.c_updated_at,
      stampBackgroundColor: row.c_stamp_background_color,
      stripOpacity: row.c_strip_opacity,
      auxiliaryFields: row.c_auxiliary_fields,
      expiresAt: row.c_expires_at,
      showMemberField: row.c_show_member_field,
      showStampsToRewardField: row.c_show_stamps_to_reward_field,
      stampCooldownSeconds: row.c_stamp_cooldown_seconds,
      maxStampsPerDay: row.c_max_stamps_per_day,
      rewards,
    },
  };
}
