// Bound parameters per statement stay far below SQLite's and PostgreSQL's limits.
const BATCH = 1000;

/** `query` over `values` a thousand at a time (one statement per thousand), results concatenated. */
export async function queryInBatches<V, R>(values: readonly V[], query: (batch: V[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < values.length; start += BATCH) results.push(...(await query(values.slice(start, start + BATCH))));
  return results;
}
