import type { Config } from '../config.ts';

/** The wallet links of a customer card, as the REST layer and GraphQL hand them out. */
export function walletUrls(config: Pick<Config, 'publicUrl'>, uuid: string): { apple: string; google: string } {
  return {
    apple: `${config.publicUrl}/wallet/apple/${uuid}.pkpass`,
    google: `${config.publicUrl}/wallet/google/${uuid}`,
  };
}
