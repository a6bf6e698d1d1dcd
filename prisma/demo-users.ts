/**
 * Demo people beyond the four demo logins, so the users screen shows every status on a fresh start:
 * someone invited whose link is still open (the admin can re-send it to get a link to try), and
 * someone who left and was deactivated.
 */
import type { Db } from "../lib/db";
import { issueUserToken } from "../lib/users/user-tokens";

export const DEMO_INVITED = { email: "new.hire@smartdairy.example", name: "Noor de Wit", role: "technician", farm: "HMF" } as const;
export const DEMO_DEACTIVATED = { email: "former.tech@smartdairy.example", name: "Erik Lund", role: "technician", farm: "GVD" } as const;

export async function seedDemoPeople(db: Db, farms: Map<string, number>, passwordHash: string) {
  const admin = await db.user.findFirst({ where: { role: "admin", farmId: null }, orderBy: { id: "asc" }, select: { id: true } });
  const day = 24 * 3600_000;
  const invitedAt = new Date(Date.now() - 2 * day);
  const invited = await db.user.create({
    data: { email: DEMO_INVITED.email, name: DEMO_INVITED.name, role: DEMO_INVITED.role, farmId: farms.get(DEMO_INVITED.farm) ?? null, passwordHash: "", invitedAt, invitedById: admin?.id ?? null },
  });
  // Nobody knows this link's token (only its hash is stored); re-sending makes one to try.
  await issueUserToken(db, { userId: invited.id, purpose: "invitation", createdById: admin?.id ?? null, now: invitedAt });
  await db.user.create({
    data: {
      email: DEMO_DEACTIVATED.email,
      name: DEMO_DEACTIVATED.name,
      role: DEMO_DEACTIVATED.role,
      farmId: farms.get(DEMO_DEACTIVATED.farm) ?? null,
      passwordHash,
      active: false,
      createdAt: new Date(Date.now() - 200 * day),
      joinedAt: new Date(Date.now() - 200 * day),
      lastLoginAt: new Date(Date.now() - 12 * day),
      deactivatedAt: new Date(Date.now() - 10 * day),
    },
  });
}
