-- AlterTable
ALTER TABLE "cards" ADD COLUMN     "auxiliary_fields" JSONB,
ADD COLUMN     "expires_at" TIMESTAMP(3),
ADD COLUMN     "show_member_field" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "show_stamps_to_reward_field" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "stamp_background_color" TEXT,
ADD COLUMN     "strip_opacity" INTEGER NOT NULL DEFAULT 100;
