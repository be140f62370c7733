import type { Config } from '../config.ts';

/** Where the browser pages live; the customer page's link is handed out with every customer card. */
export const PAGE_PATHS = { card: '/cards', till: '/till', assets: '/assets' } as const;

/** The public page of a customer card; its uuid is the page's capability (see docs/pages.md). */
export function cardPageUrl(config: Pick<Config, 'publicUrl'>, uuid: string): string {
  return `${config.publicUrl}${PAGE_PATHS.card}/${uuid}`;
}
