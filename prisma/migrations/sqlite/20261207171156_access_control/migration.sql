-- Columns added in place (no table rebuild), so migrations of other branches that touch these tables still apply.
ALTER TABLE "api_tokens" ADD COLUMN "scope" TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE "api_tokens" ADD COLUMN "name" TEXT;
ALTER TABLE "api_tokens" ADD COLUMN "last_used_at" DATETIME;

ALTER TABLE "ledger_entries" ADD COLUMN "actor_kind" TEXT NOT NULL DEFAULT 'SYSTEM';
ALTER TABLE "ledger_entries" ADD COLUMN "actor_token_id" INTEGER;
ALTER TABLE "ledger_entries" ADD COLUMN "actor_name" TEXT NOT NULL DEFAULT '';
-- Entries written through an API before attribution were written with some token of the store.
UPDATE "ledger_entries" SET "actor_kind" = 'TOKEN', "actor_name" = 'API token' WHERE "source" IN ('REST', 'GRAPHQL');

-- CreateTable
CREATE TABLE "audit_log" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_token_id" INTEGER,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" INTEGER,
    "changes" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_log_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "audit_log_store_id_id_idx" ON "audit_log"("store_id", "id");

-- Append-only: the database refuses to change or remove an entry (deleting the whole store still takes its log).
CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log"
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER "audit_log_no_delete" BEFORE DELETE ON "audit_log"
WHEN EXISTS (SELECT 1 FROM "stores" WHERE "id" = OLD."store_id")
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
