-- CreateTable
CREATE TABLE "events" (
    "id" TEXT NOT NULL,
    "store_id" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "customer_id" INTEGER,
    "customer_card_id" INTEGER,
    "card_id" INTEGER,
    "reward_id" INTEGER,
    "ledger_entry_id" INTEGER,
    "data" JSONB NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_sequences" (
    "store_id" INTEGER NOT NULL,
    "last_sequence" INTEGER NOT NULL,

    CONSTRAINT "event_sequences_pkey" PRIMARY KEY ("store_id")
);

-- CreateIndex
CREATE INDEX "events_store_id_customer_card_id_sequence_idx" ON "events"("store_id", "customer_card_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "events_store_id_sequence_key" ON "events"("store_id", "sequence");

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_sequences" ADD CONSTRAINT "event_sequences_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;
