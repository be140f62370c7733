import type { Prisma } from '../generated/sqlite/client.ts';
import { builder } from './builder.ts';

type Direction = 'asc' | 'desc';

export const OrderDirectionEnum = builder.enumType('OrderDirection', {
  description: 'Ascending or descending.',
  values: {
    ASC: { value: 'asc', description: 'Smallest, oldest or A first.' },
    DESC: { value: 'desc', description: 'Largest, newest or Z first.' },
  } as const,
});

const CustomerOrderFieldEnum = builder.enumType('CustomerOrderField', {
  description: 'What customers can be sorted by.',
  values: {
    CREATED_AT: { value: 'createdAt', description: 'When the customer was created (the default).' },
    UPDATED_AT: { value: 'updatedAt', description: 'When the customer was last changed.' },
    NAME: { value: 'name', description: 'First name, then last name (customers without one first).' },
  } as const,
});

const CustomerCardOrderFieldEnum = builder.enumType('CustomerCardOrderField', {
  description: 'What customer cards can be sorted by.',
  values: {
    CREATED_AT: { value: 'createdAt', description: 'When the card was issued (the default).' },
    UPDATED_AT: { value: 'updatedAt', description: 'When the card last changed (a stamp, a redemption).' },
    STAMPS: { value: 'stamps', description: 'Stamps held now.' },
    NAME: { value: 'name', description: "The customer's first name, then last name." },
  } as const,
});

type CustomerOrderField = 'createdAt' | 'updatedAt' | 'name';
type CustomerCardOrderField = 'createdAt' | 'updatedAt' | 'stamps' | 'name';

export const CustomerOrderInput = builder.inputType('CustomerOrder', {
  description: 'How to sort customers; ties keep creation order.',
  fields: (t) => ({
    field: t.field({ type: CustomerOrderFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirectionEnum, required: true, defaultValue: 'asc', description: 'ASC (default) or DESC.' }),
  }),
});

export const CustomerCardOrderInput = builder.inputType('CustomerCardOrder', {
  description: 'How to sort customer cards; ties keep issue order.',
  fields: (t) => ({
    field: t.field({ type: CustomerCardOrderFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirectionEnum, required: true, defaultValue: 'asc', description: 'ASC (default) or DESC.' }),
  }),
});

// The id ends every order: cursors page by record, so the order must be total.
const byName = (direction: Direction) => [
  { firstName: direction },
  { lastName: { sort: direction, nulls: direction === 'asc' ? 'first' : 'last' } },
] as const;

export function customerOrderBy(order: { field: CustomerOrderField; direction: Direction } | null | undefined): Prisma.CustomerOrderByWithRelationInput[] {
  const direction = order?.direction ?? 'asc';
  switch (order?.field) {
    case 'updatedAt':
      return [{ updatedAt: direction }, { id: direction }];
    case 'name':
      return [...byName(direction), { id: direction }];
    default:
      return [{ id: direction }];
  }
}

export function customerCardOrderBy(
  order: { field: CustomerCardOrderField; direction: Direction } | null | undefined,
): Prisma.CustomerCardOrderByWithRelationInput[] {
  const direction = order?.direction ?? 'asc';
  switch (order?.field) {
    case 'updatedAt':
      return [{ updatedAt: direction }, { id: direction }];
    case 'stamps':
      return [{ stampsCount: direction }, { id: direction }];
    case 'name':
      return [...byName(direction).map((part) => ({ customer: part })), { id: direction }];
    default:
      return [{ id: direction }];
  }
}
