import { z } from '@hono/zod-openapi';
import type { RewardJson } from '../../domain/presenters/reward.ts';
import { IdField, type Proves, type SchemaMatches, Timestamp } from './shared.ts';

export const RewardSchema = z
  .object({
    id: IdField,
    account_id: IdField,
    card_id: IdField,
    name: z.string().openapi({ example: 'Free Coffee' }),
    description: z.string().nullable(),
    stamps_required: z.number().int().openapi({ description: 'Stamps the reward costs when redeemed' }),
    position: z.number().int().openapi({ description: 'Display order, lower first' }),
    active: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Reward');
export type RewardSchemaMatches = Proves<SchemaMatches<z.infer<typeof RewardSchema>, RewardJson>>;
