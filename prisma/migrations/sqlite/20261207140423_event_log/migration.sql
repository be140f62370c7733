-- CreateTable
CREATE TABLE "events" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "store_id" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "customer_id" INTEGER,
    "customer_card_id" INTEGER,
    "card_id" INTEGER,
    "reward_id" INTEGER,
    "ledger_entry_id" INTEGER,
    "data" JSONB NOT NULL,
    CONSTRAINT "events_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "event_sequences" (
    "store_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "last_sequence" INTEGER NOT NULL,
    CONSTRAINT "event_sequences_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "events_store_id_customer_card_id_sequence_idx" ON "events"("store_id", "customer_card_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "events_store_id_sequence_key" ON "events"("store_id", "sequence");
