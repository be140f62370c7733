/** ISO 8601 in UTC with milliseconds, as Rails renders times: `2025-01-15T10:30:00.000Z`. */
export function timestamp(date: Date): string {
  return date.toISOString();
}

export function nullableTimestamp(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
