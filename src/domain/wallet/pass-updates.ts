import type { Tx } from '../../db/client.ts';

export const PASS_UPDATE_TOPIC = 'pass.updated';

export interface PassUpdatePayload {
  customerCardId: number;
  /** False for `skip_notifications`: the pass content still changes, but no device is alerted. */
  notify: boolean;
}

/**
 * Queues the wallet work a stamp change causes, in the same transaction as the change, so a crash
 * or a wallet-service outage loses no update. Cards with no installed pass cost nothing. Resolves
 * to whether a message was queued.
 */
export async function enqueuePassUpdate(
  tx: Tx,
  customerCard: { id: number; passInstalled: boolean; googleIssuedAt: Date | null },
  { notify }: { notify: boolean },
): Promise<boolean> {
  const apple = customerCard.passInstalled && notify;
  const google = customerCard.googleIssuedAt !== null;
  if (!apple && !google) return false;
  const payload: PassUpdatePayload = { customerCardId: customerCard.id, notify };
  await tx.outboxMessage.create({ data: { topic: PASS_UPDATE_TOPIC, payload: { ...payload } } });
  return true;
}
