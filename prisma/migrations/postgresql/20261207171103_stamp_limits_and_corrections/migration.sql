-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'CORRECTION';

-- AlterTable
ALTER TABLE "stores" ADD COLUMN     "time_zone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "cards" ADD COLUMN     "max_stamps_per_day" INTEGER,
ADD COLUMN     "stamp_cooldown_seconds" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN     "reason" TEXT;
