import { describe, expect, it } from "vitest";
import { inviteSchema, passwordChangeSchema, profileSchema, roleFarmFormSchema, setPasswordSchema, userUpdateSchema } from "./user-schemas";

describe("the users schemas", () => {
  it("reads an invitation from a form: trimmed, lower-case e-mail, blank farm = every farm", () => {
    expect(inviteSchema.parse({ name: " Joris ", email: " Joris@Farm.Example ", role: "technician", farmId: "" })).toEqual({ name: "Joris", email: "joris@farm.example", role: "technician", farmId: null });
    expect(inviteSchema.parse({ name: "J", email: "j@farm.example", role: "viewer", farmId: "3" }).farmId).toBe(3);
  });

  it("names each bad field of an invitation", () => {
    const result = inviteSchema.safeParse({ name: "", email: "not-an-address", role: "owner", farmId: "x", extra: 1 });
    expect(result.success).toBe(false);
    const fields = new Set(result.error!.issues.map((issue) => issue.path.join(".") || (issue as { keys?: string[] }).keys?.join(",")));
    expect(fields).toEqual(new Set(["name", "email", "role", "farmId", "extra"]));
  });

  it("wants at least one change in an update, and reads JSON or form booleans", () => {
    expect(userUpdateSchema.safeParse({}).success).toBe(false);
    expect(userUpdateSchema.parse({ active: false })).toEqual({ active: false });
    expect(userUpdateSchema.parse({ farmId: null })).toEqual({ farmId: null });
    expect(roleFarmFormSchema.parse({ id: "4", role: "manager", farmId: "" })).toEqual({ id: 4, role: "manager", farmId: null });
  });

  it("validates a profile's time zone and language", () => {
    expect(profileSchema.parse({ timezone: "Europe/Amsterdam", locale: "nl", notifyDigest: "on" })).toEqual({ timezone: "Europe/Amsterdam", locale: "nl", notifyDigest: true });
    expect(profileSchema.parse({ timezone: "" })).toEqual({ timezone: null });
    expect(profileSchema.safeParse({ timezone: "Mars/Olympus" }).error?.issues[0]?.message).toMatch("IANA");
    expect(profileSchema.safeParse({ locale: "fr" }).success).toBe(false);
    expect(profileSchema.safeParse({ notifyMinSeverity: "loud" }).success).toBe(false);
  });

  it("requires the confirmation to match", () => {
    expect(passwordChangeSchema.safeParse({ currentPassword: "a", newPassword: "x".repeat(12), confirmPassword: "y".repeat(12) }).error?.issues[0]?.path).toEqual(["confirmPassword"]);
    expect(setPasswordSchema.safeParse({ token: "t".repeat(43), password: "x".repeat(12), confirmPassword: "x".repeat(12) }).success).toBe(true);
    expect(setPasswordSchema.safeParse({ token: "short", password: "x", confirmPassword: "x" }).success).toBe(false);
  });
});
