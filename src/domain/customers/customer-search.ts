import type { Prisma } from '../../generated/sqlite/client.ts';
import { invalid } from '../errors.ts';
import { hasNul, NUL_MESSAGE } from '../validation.ts';
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

/** The `where` of a customer lookup, to be ANDed with the store's scope. */
export function customerSearchWhere(query: CustomerSearch): Prisma.CustomerWhereInput {
  for (const field of ['search', 'source', 'externalId'] as const) {
    const value = query[field];
    if (typeof value === 'string' && hasNul(value)) throw invalid({ [field]: [NUL_MESSAGE] });
  }
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
