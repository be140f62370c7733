import { z } from '@hono/zod-openapi';

/** ISO 8601 in UTC with milliseconds, as Rails renders times: `2025-01-15T10:30:00.000Z`. */
export function timestamp(date: Date): string {
  return date.toISOString();
}

export function nullableTimestamp(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export const Timestamp = z.string().openapi({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' });
export const IdField = z.number().int().openapi({ example: 1 });
export const HexColor = z.string().openapi({ pattern: '^#[0-9A-Fa-f]{6}$', example: '#6B4226' });
