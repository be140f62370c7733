import { z } from '@hono/zod-openapi';

/**
 * Compile-time proof that a schema of the OpenAPI document describes exactly the JSON a shared
 * presenter (src/domain/presenters/) returns: `Proves<SchemaMatches<z.infer<typeof S>, Json>>` fails
 * to typecheck as soon as the two drift apart.
 */
export type SchemaMatches<Schema, Json> = [Schema] extends [Json] ? ([Json] extends [Schema] ? true : false) : false;
export type Proves<T extends true> = T;

export const Timestamp = z.string().openapi({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' });
export const IdField = z.number().int().openapi({ example: 1 });
export const HexColor = z.string().openapi({ pattern: '^#[0-9A-Fa-f]{6}$', example: '#6B4226' });
