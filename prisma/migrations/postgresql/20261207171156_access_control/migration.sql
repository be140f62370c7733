-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('TOKEN', 'CARD_HOLDER', 'SIGNUP', 'SYSTEM');

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "last_used_at" TIMESTAMP(3),
ADD COLUMN     "name" TEXT,
ADD COLUMN     "scope" TEXT NOT NULL DEFAULT 'admin';

-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN     "actor_kind" "ActorKind" NOT NULL DEFAULT 'SYSTEM',
ADD COLUMN     "actor_name" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "actor_token_id" INTEGER;

-- Entries written through an API before attribution were written with some token of the store.
UPDATE "ledger_entries" SET "actor_kind" = 'TOKEN', "actor_name" = 'API token' WHERE "source" IN ('REST', 'GRAPHQL');

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "store_id" INTEGER NOT NULL,
    "actor_kind" "ActorKind" NOT NULL,
    "actor_token_id" INTEGER,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" INTEGER,
    "changes" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_log_store_id_id_idx" ON "audit_log"("store_id", "id");

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Append-only: the database ignores any change or removal of an entry (rules, not a PL/pgSQL trigger:
-- the migration runner splits statements at every semicolon). Deleting a whole store still takes its log.
CREATE RULE "audit_log_no_update" AS ON UPDATE TO "audit_log" DO INSTEAD NOTHING;
CREATE RULE "audit_log_no_delete" AS ON DELETE TO "audit_log"
WHERE EXISTS (SELECT 1 FROM "stores" WHERE "stores"."id" = OLD."store_id") DO INSTEAD NOTHING;
