import type { Prisma } from '../../generated/sqlite/client.ts';
import { FieldErrorCollector } from '../errors.ts';
import { checkText } from '../validation.ts';
import { escapeSearchText, normalizePhone } from './customer.rules.ts';

/** What a customer lookup filters on (the REST `search`, `source` and `external_id` parameters). */
export interface CustomerSearch {
  /** Part of the name, email or phone (case-insensitive), or exactly a customer card's code or an external id. */
  search?: string | null;
  /** Slug of another system; alone it finds customers linked to that system. */
  source?: string | null;
  /** With `source`, the one customer linked to that record of the other system. */
  externalId?: string | null;
}

/**
 * Longest search text: longer than any name, email, phone, card code or external id (255), so it could
 * match nothing, and past some length the database refuses the pattern (SQLite's LIKE at 50,000).
 */
export const MAX_SEARCH_LENGTH = 255;

/** The `where` of a customer lookup, to be ANDed with the store's scope. */
export function customerSearchWhere(query: CustomerSearch): Prisma.CustomerWhereInput {
  const errors = new FieldErrorCollector();
  for (const field of ['search', 'source', 'externalId'] as const) checkText(errors, field, query[field], { max: MAX_SEARCH_LENGTH });
  errors.throwIfAny();
  const and: Prisma.CustomerWhereInput[] = [];
  const search = query.search?.trim();
  if (search) {
    const needle = escapeSearchText(search);
    const phone = escapeSearchText(normalizePhone(search));
    and.push({
      OR: [
        { searchText: { contains: needle } },
        ...(phone !== needle && phone.length > 0 ? [{ searchText: { contains: phone } }] : []),
        { customerCards: { some: { uuid: search } } },
        { externalReferences: { some: { externalId: search } } },
      ],
    });
  }
  if (query.source !== undefined && query.source !== null) {
    and.push({
      externalReferences: {
        some: { source: query.source, ...(query.externalId == null ? {} : { externalId: query.externalId }) },
      },
    });
  }
  return and.length ? { AND: and } : {};
}
