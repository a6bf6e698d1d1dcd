-- The TOTP time step a person last signed in with: a code of that step (or an earlier one) is refused, so a code seen over a shoulder cannot be replayed
ALTER TABLE "users" ADD COLUMN "totp_last_step" BIGINT;
