-- Expand (this release): a nullable column, so the revision still serving (which never writes it)
-- keeps working while and after this runs. Contract, in a later release once no code reads the
-- old field: drop it, naming that migration in deploy-cloudrun's allow-migrations.
-- AlterTable
ALTER TABLE "items" ADD COLUMN "note" TEXT;
