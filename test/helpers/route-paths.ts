/** What fills a REST route's path parameters: the account, the customer, and a record per collection. */
export interface RouteRecords {
  account: number;
  customer: number;
  /** The record `/<collection>/{id}` names, by collection (`cards`, `rewards`, ...). */
  records: Record<string, number>;
  /** Which test to teach about a parameter or collection it has no value for. */
  test: string;
}

/** A route-table path (`/accounts/{account_id}/cards/{id}`) with its parameters filled in. */
export function fillRoutePath(path: string, { account, customer, records, test }: RouteRecords): string {
  return path.replace(/\/([a-z_]+)\/\{([a-z_]+)\}/g, (_, collection: string, param: string) => {
    if (param === 'account_id' || (param === 'id' && collection === 'accounts')) return `/${collection}/${account}`;
    if (param === 'customer_id') return `/${collection}/${customer}`;
    if (param !== 'id') throw new Error(`unknown path parameter {${param}}: teach the ${test} about it`);
    const id = records[collection];
    if (id === undefined) throw new Error(`no record for /${collection}/{id}: teach the ${test} about it`);
    return `/${collection}/${id}`;
  });
}
