-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_redemptions" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "customer_card_id" INTEGER NOT NULL,
    "reward_id" INTEGER NOT NULL,
    "reward_name" TEXT NOT NULL,
    "stamps_spent" INTEGER NOT NULL,
    "stamps_remaining" INTEGER NOT NULL,
    "redeemed_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "redemptions_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "redemptions_customer_card_id_fkey" FOREIGN KEY ("customer_card_id") REFERENCES "customer_cards" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "redemptions_reward_id_fkey" FOREIGN KEY ("reward_id") REFERENCES "rewards" ("id") ON DELETE NO ACTION ON UPDATE CASCADE
);
INSERT INTO "new_redemptions" ("customer_card_id", "id", "redeemed_at", "reward_id", "reward_name", "stamps_remaining", "stamps_spent", "store_id") SELECT "customer_card_id", "id", "redeemed_at", "reward_id", "reward_name", "stamps_remaining", "stamps_spent", "store_id" FROM "redemptions";
DROP TABLE "redemptions";
ALTER TABLE "new_redemptions" RENAME TO "redemptions";
CREATE INDEX "redemptions_customer_card_id_idx" ON "redemptions"("customer_card_id");
CREATE INDEX "redemptions_reward_id_idx" ON "redemptions"("reward_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
