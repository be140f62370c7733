-- Added in place (no table rebuild), so migrations of other branches that touch "cards" still apply.
ALTER TABLE "cards" ADD COLUMN "stamp_background_color" TEXT;
ALTER TABLE "cards" ADD COLUMN "strip_opacity" INTEGER NOT NULL DEFAULT 100;
ALTER TABLE "cards" ADD COLUMN "auxiliary_fields" JSONB;
ALTER TABLE "cards" ADD COLUMN "expires_at" DATETIME;
ALTER TABLE "cards" ADD COLUMN "show_member_field" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "cards" ADD COLUMN "show_stamps_to_reward_field" BOOLEAN NOT NULL DEFAULT true;
