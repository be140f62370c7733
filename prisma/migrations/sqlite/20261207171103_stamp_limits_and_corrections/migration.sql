-- Columns only (SQLite adds a column with a constant default in place; no table needs rebuilding).
-- LedgerKind is a TEXT column on SQLite, so CORRECTION needs no change here.

-- AlterTable
ALTER TABLE "stores" ADD COLUMN "time_zone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "cards" ADD COLUMN "stamp_cooldown_seconds" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "cards" ADD COLUMN "max_stamps_per_day" INTEGER;

-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN "reason" TEXT;
