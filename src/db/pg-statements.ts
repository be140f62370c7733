import type { SqlQuery } from '@prisma/driver-adapter-utils';

/** Distinct statements named at most; the gateway sends a few hundred, the rest run unnamed. */
const MAX_NAMED = 2000;

/**
 * Names each distinct SQL text Prisma sends, so that pg prepares it once per connection and then only
 * binds and executes it: PostgreSQL skips parsing and planning, which is most of a short query's
 * cost. Names are kept for the life of the process: a name must always mean the same text.
 */
export function statementNames(): (query: SqlQuery) => string {
  const names = new Map<string, string>();
  return (query) => {
    let name = names.get(query.sql);
    if (name === undefined && names.size < MAX_NAMED) names.set(query.sql, (name = `stampline_${names.size + 1}`));
    // pg runs a query without a name as an unnamed statement, parsed every time.
    return name as string;
  };
}
