-- DropForeignKey
ALTER TABLE "redemptions" DROP CONSTRAINT "redemptions_reward_id_fkey";

-- AddForeignKey
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_reward_id_fkey" FOREIGN KEY ("reward_id") REFERENCES "rewards"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
