-- CreateTable
CREATE TABLE "stores" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "store_name" TEXT,
    "personal" BOOLEAN NOT NULL DEFAULT false,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" DATETIME,
    CONSTRAINT "api_tokens_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "cards" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "card_color" TEXT NOT NULL,
    "text_color" TEXT NOT NULL,
    "stamp_icon" TEXT NOT NULL,
    "stamp_color" TEXT NOT NULL,
    "stamps_required" INTEGER NOT NULL,
    "initial_stamps" INTEGER NOT NULL DEFAULT 0,
    "strip_type" TEXT NOT NULL,
    "strip_color" TEXT,
    "strip_preset" TEXT,
    "header_text" TEXT,
    "archived_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "cards_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "rewards" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "card_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "stamps_required" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "rewards_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "rewards_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "cards" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "customers" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "birthday" TEXT,
    "metadata" JSONB NOT NULL,
    "search_text" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "customers_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "external_references" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "metadata" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "external_references_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "customer_cards" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uuid" TEXT NOT NULL,
    "store_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "card_id" INTEGER NOT NULL,
    "stamps_count" INTEGER NOT NULL DEFAULT 0,
    "pass_token" TEXT NOT NULL,
    "pass_installed" BOOLEAN NOT NULL DEFAULT false,
    "google_issued_at" DATETIME,
    "issued_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "customer_cards_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "customer_cards_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "customer_cards_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "cards" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "customer_card_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "balance_after" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "redemption_id" INTEGER,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_entries_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ledger_entries_customer_card_id_fkey" FOREIGN KEY ("customer_card_id") REFERENCES "customer_cards" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ledger_entries_redemption_id_fkey" FOREIGN KEY ("redemption_id") REFERENCES "redemptions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "redemptions" (
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
    CONSTRAINT "redemptions_reward_id_fkey" FOREIGN KEY ("reward_id") REFERENCES "rewards" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "result_id" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_keys_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "locations" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "latitude" REAL,
    "longitude" REAL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "locations_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "posters" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "store_id" INTEGER NOT NULL,
    "card_id" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT,
    "paper_size" TEXT NOT NULL,
    "primary_color" TEXT NOT NULL,
    "secondary_color" TEXT NOT NULL,
    "text_color" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "contact_collection_mode" TEXT NOT NULL,
    "require_email" BOOLEAN NOT NULL DEFAULT false,
    "require_phone" BOOLEAN NOT NULL DEFAULT false,
    "require_birthday" BOOLEAN NOT NULL DEFAULT false,
    "minimum_age" INTEGER,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "posters_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "posters_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "cards" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "pass_registrations" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "customer_card_id" INTEGER NOT NULL,
    "device_library_identifier" TEXT NOT NULL,
    "push_token" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "pass_registrations_customer_card_id_fkey" FOREIGN KEY ("customer_card_id") REFERENCES "customer_cards" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" DATETIME
);

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_store_id_idx" ON "api_tokens"("store_id");

-- CreateIndex
CREATE INDEX "cards_store_id_archived_at_idx" ON "cards"("store_id", "archived_at");

-- CreateIndex
CREATE INDEX "rewards_card_id_position_idx" ON "rewards"("card_id", "position");

-- CreateIndex
CREATE INDEX "rewards_store_id_idx" ON "rewards"("store_id");

-- CreateIndex
CREATE INDEX "customers_store_id_id_idx" ON "customers"("store_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "customers_store_id_email_key" ON "customers"("store_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "customers_store_id_phone_key" ON "customers"("store_id", "phone");

-- CreateIndex
CREATE INDEX "external_references_customer_id_idx" ON "external_references"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "external_references_store_id_source_external_id_key" ON "external_references"("store_id", "source", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_cards_uuid_key" ON "customer_cards"("uuid");

-- CreateIndex
CREATE INDEX "customer_cards_store_id_id_idx" ON "customer_cards"("store_id", "id");

-- CreateIndex
CREATE INDEX "customer_cards_card_id_idx" ON "customer_cards"("card_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_cards_customer_id_card_id_key" ON "customer_cards"("customer_id", "card_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_redemption_id_key" ON "ledger_entries"("redemption_id");

-- CreateIndex
CREATE INDEX "ledger_entries_customer_card_id_id_idx" ON "ledger_entries"("customer_card_id", "id");

-- CreateIndex
CREATE INDEX "ledger_entries_store_id_id_idx" ON "ledger_entries"("store_id", "id");

-- CreateIndex
CREATE INDEX "redemptions_customer_card_id_idx" ON "redemptions"("customer_card_id");

-- CreateIndex
CREATE INDEX "redemptions_reward_id_idx" ON "redemptions"("reward_id");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_keys_store_id_key_key" ON "idempotency_keys"("store_id", "key");

-- CreateIndex
CREATE INDEX "locations_store_id_idx" ON "locations"("store_id");

-- CreateIndex
CREATE UNIQUE INDEX "posters_slug_key" ON "posters"("slug");

-- CreateIndex
CREATE INDEX "posters_store_id_idx" ON "posters"("store_id");

-- CreateIndex
CREATE INDEX "pass_registrations_customer_card_id_idx" ON "pass_registrations"("customer_card_id");

-- CreateIndex
CREATE UNIQUE INDEX "pass_registrations_device_library_identifier_customer_card_id_key" ON "pass_registrations"("device_library_identifier", "customer_card_id");

-- CreateIndex
CREATE INDEX "outbox_messages_done_at_next_attempt_at_idx" ON "outbox_messages"("done_at", "next_attempt_at");
