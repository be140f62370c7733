import { z } from '@hono/zod-openapi';
import type { CardCounts } from '../../domain/cards/card-counts.ts';
import type { CardRow } from '../../domain/cards/card.service.ts';
import { auxiliaryFieldsOf, MAX_STAMPS_REQUIRED, STRIP_TYPES } from '../../domain/cards/card.rules.ts';
import { HexColor, IdField, Timestamp } from './shared.ts';
import { nullableTimestamp, timestamp } from '../../domain/presenters/time.ts';

export const CardSchema = z
  .object({
    id: IdField,
    account_id: IdField,
    name: z.string().openapi({ example: 'Coffee Loyalty Card' }),
    card_color: HexColor,
    text_color: HexColor,
    stamp_icon: z.string().openapi({ example: 'coffee' }),
    stamp_color: HexColor,
    stamps_required: z.number().int().openapi({ minimum: 1, maximum: MAX_STAMPS_REQUIRED }),
    initial_stamps: z.number().int().openapi({ minimum: 0 }),
    strip_type: z.string().openapi({ enum: [...STRIP_TYPES] }),
    strip_color: HexColor.nullable(),
    strip_preset: z.string().nullable(),
    header_text: z.string().nullable(),
    stamp_background_color: HexColor.nullable(),
    strip_opacity: z.number().int().openapi({ minimum: 0, maximum: 100 }),
    auxiliary_fields: z.array(z.string()),
    expires_at: Timestamp.nullable(),
    show_member_field: z.boolean(),
    show_stamps_to_reward_field: z.boolean(),
    stamp_cooldown_seconds: z.number().int().openapi({ minimum: 0, description: 'Least seconds between two stamp operations on one customer card; 0: off' }),
    max_stamps_per_day: z.number().int().nullable().openapi({ minimum: 1, description: 'Most stamps per customer card per store-local day; null: no limit' }),
    archived_at: Timestamp.nullable(),
    rewards_count: z.number().int(),
    customer_cards_count: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Card');
export type CardJson = z.infer<typeof CardSchema>;

export function presentCard(card: CardRow, counts: CardCounts | undefined): CardJson {
  return {
    id: card.id,
    account_id: card.storeId,
    name: card.name,
    card_color: card.cardColor,
    text_color: card.textColor,
    stamp_icon: card.stampIcon,
    stamp_color: card.stampColor,
    stamps_required: card.stampsRequired,
    initial_stamps: card.initialStamps,
    strip_type: card.stripType,
    strip_color: card.stripColor,
    strip_preset: card.stripPreset,
    header_text: card.headerText,
    stamp_background_color: card.stampBackgroundColor,
    strip_opacity: card.stripOpacity,
    auxiliary_fields: auxiliaryFieldsOf(card),
    expires_at: nullableTimestamp(card.expiresAt),
    show_member_field: card.showMemberField,
    show_stamps_to_reward_field: card.showStampsToRewardField,
    stamp_cooldown_seconds: card.stampCooldownSeconds,
    max_stamps_per_day: card.maxStampsPerDay,
    archived_at: nullableTimestamp(card.archivedAt),
    rewards_count: counts?.rewardsCount ?? 0,
    customer_cards_count: counts?.customerCardsCount ?? 0,
    created_at: timestamp(card.createdAt),
    updated_at: timestamp(card.updatedAt),
  };
}
