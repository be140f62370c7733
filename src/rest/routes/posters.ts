import { z } from '@hono/zod-openapi';
import {
  CONTACT_COLLECTION_MODES,
  type PosterAttributes,
  PAPER_SIZES,
} from '../../domain/posters/poster.rules.ts';
import {
  createPoster,
  deletePoster,
  getPoster,
  listPosters,
  updatePoster,
} from '../../domain/posters/poster.service.ts';
import { Attributes, Bool, Id, Int, NullableText, PresenceFlag, Text } from '../fields.ts';
import { camelKeys } from '../http.ts';
import { PosterSchema, presentPoster } from '../presenters/poster.ts';
import { defineRoute } from '../route.ts';

const HEX = '^#[0-9A-Fa-f]{6}$';

const posterAttributes = {
  title: NullableText().optional().openapi({ description: 'Heading printed on the poster' }),
  paper_size: Text().optional().openapi({ enum: [...PAPER_SIZES], description: 'Default a4' }),
  primary_color: Text().optional().openapi({ pattern: HEX, description: 'Background; default the card’s card_color' }),
  secondary_color: Text().optional().openapi({ pattern: HEX, description: 'Accent; default the card’s stamp_color' }),
  text_color: Text().optional().openapi({ pattern: HEX, description: 'Text; default the card’s text_color' }),
  active: Bool().optional().openapi({ description: 'Whether the public sign-up URL is live (default true)' }),
  contact_collection_mode: Text()
    .optional()
    .openapi({ enum: [...CONTACT_COLLECTION_MODES], description: 'Default email_and_phone' }),
  require_email: Bool().optional().openapi({ description: 'Only when the form collects email' }),
  require_phone: Bool().optional().openapi({ description: 'Only when the form collects phone' }),
  require_birthday: Bool().optional(),
  minimum_age: Int().nullable().optional().openapi({ description: '1–120; needs require_birthday = true' }),
};

const CreatePosterBody = z.object({
  poster: Attributes({ card_id: Id().openapi({ description: 'Card sign-ups are enrolled on; fixed once created' }), ...posterAttributes }),
});
const UpdatePosterBody = z.object({ poster: Attributes(posterAttributes) });

const PostersQuery = z.object({
  card_id: Id().optional().openapi({ description: 'Only posters of this card' }),
  active: PresenceFlag(),
});

/** The domain checks the enumerated values; here they are any string. */
const posterInput = (attributes: object) => camelKeys(attributes) as Partial<PosterAttributes>;

const base = '/accounts/{account_id}/posters';

export const posterRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listPosters',
    tag: 'Posters',
    summary: 'List QR sign-up posters',
    query: PostersQuery,
    success: { status: 200, description: 'Array of posters', schema: z.array(PosterSchema) },
    errors: [404, 422],
    handle: async ({ runtime, actor, query }) =>
      (
        await listPosters(runtime.deps, actor, {
          ...(query.card_id === undefined ? {} : { cardId: query.card_id }),
          activeOnly: query.active,
        })
      ).map((poster) => presentPoster(runtime.config, poster)),
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getPoster',
    tag: 'Posters',
    summary: 'Show a poster with its sign-up, QR code and display URLs',
    resource: 'Poster',
    success: { status: 200, description: 'The poster', schema: PosterSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) => presentPoster(runtime.config, await getPoster(runtime.deps, actor, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: base,
    operationId: 'createPoster',
    tag: 'Posters',
    summary: 'Create a poster for a card; its public URLs are generated',
    body: CreatePosterBody,
    wrapper: 'poster',
    idempotent: true,
    success: { status: 201, description: 'The new poster', schema: PosterSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, body, idempotencyKey }) => {
      const { card_id: cardId, ...attributes } = body.poster;
      return presentPoster(runtime.config, await createPoster(runtime.deps, actor, cardId, posterInput(attributes), idempotencyKey));
    },
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updatePoster',
    tag: 'Posters',
    summary: 'Update a poster; its card cannot change (a card_id given here is ignored)',
    resource: 'Poster',
    body: UpdatePosterBody,
    wrapper: 'poster',
    success: { status: 200, description: 'The updated poster', schema: PosterSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body }) =>
      presentPoster(runtime.config, await updatePoster(runtime.deps, actor, params.id, posterInput(body.poster))),
  }),
  defineRoute({
    method: 'delete',
    path: `${base}/{id}`,
    operationId: 'deletePoster',
    tag: 'Posters',
    summary: 'Delete a poster for good; its public URLs stop working',
    resource: 'Poster',
    success: { status: 204, description: 'Deleted; no body' },
    errors: [404],
    handle: async ({ runtime, actor, params }) => deletePoster(runtime.deps, actor, params.id),
  }),
];
