import { z } from '@hono/zod-openapi';
import type { Config } from '../../config.ts';
import {
  collectsEmail,
  collectsPhone,
  CONTACT_COLLECTION_MODES,
  type ContactCollectionMode,
  PAPER_SIZES,
} from '../../domain/posters/poster.rules.ts';
import type { PosterRow } from '../../domain/posters/poster.service.ts';
import { posterUrls } from '../../domain/posters/poster.urls.ts';
import { HexColor, IdField, Timestamp } from './shared.ts';
import { timestamp } from '../../domain/presenters/time.ts';

export const PosterSchema = z
  .object({
    id: IdField,
    account_id: IdField,
    card_id: IdField,
    title: z.string().nullable(),
    paper_size: z.string().openapi({ enum: [...PAPER_SIZES] }),
    primary_color: HexColor,
    secondary_color: HexColor,
    text_color: HexColor,
    active: z.boolean(),
    signup_url: z.string().openapi({ format: 'uri', description: 'Public sign-up page: $PUBLIC_URL/p/<slug>' }),
    qr_code_url: z.string().openapi({ format: 'uri', description: 'QR code image of the sign-up URL: $PUBLIC_URL/p/<slug>/qr' }),
    display_url: z.string().openapi({ format: 'uri', description: 'On-screen poster: $PUBLIC_URL/p/<slug>/display' }),
    contact_collection_mode: z.string().openapi({ enum: [...CONTACT_COLLECTION_MODES] }),
    collect_email: z.boolean(),
    collect_phone: z.boolean(),
    require_email: z.boolean(),
    require_phone: z.boolean(),
    require_birthday: z.boolean(),
    minimum_age: z.number().int().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Poster');
export type PosterJson = z.infer<typeof PosterSchema>;

export function presentPoster(config: Pick<Config, 'publicUrl'>, poster: PosterRow): PosterJson {
  const urls = posterUrls(config, poster.slug);
  const mode = poster.contactCollectionMode as ContactCollectionMode;
  return {
    id: poster.id,
    account_id: poster.storeId,
    card_id: poster.cardId,
    title: poster.title,
    paper_size: poster.paperSize,
    primary_color: poster.primaryColor,
    secondary_color: poster.secondaryColor,
    text_color: poster.textColor,
    active: poster.active,
    signup_url: urls.signup,
    qr_code_url: urls.qrCode,
    display_url: urls.display,
    contact_collection_mode: poster.contactCollectionMode,
    collect_email: collectsEmail(mode),
    collect_phone: collectsPhone(mode),
    require_email: poster.requireEmail,
    require_phone: poster.requirePhone,
    require_birthday: poster.requireBirthday,
    minimum_age: poster.minimumAge,
    created_at: timestamp(poster.createdAt),
    updated_at: timestamp(poster.updatedAt),
  };
}
