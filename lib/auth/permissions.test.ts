import { describe, expect, it } from "vitest";
import { allows, can, farmScope, permissionRefusal, PERMISSIONS } from "./permissions";

describe("role permissions", () => {
  it("lets viewers read and nothing else", () => {
    expect(can("viewer", "devices.read")).toBe(true);
    for (const permission of PERMISSIONS.filter((p) => !p.endsWith(".read"))) {
      expect(can("viewer", permission), permission).toBe(false);
    }
  });

  it("lets technicians provision and edit devices but not manage firmware, users or keys", () => {
    expect(can("technician", "devices.provision")).toBe(true);
    expect(can("technician", "devices.write")).toBe(true);
    expect(can("technician", "firmware.write")).toBe(false);
    expect(can("technician", "ota.schedule")).toBe(false);
    expect(can("technician", "users.manage")).toBe(false);
  });

  it("lets managers schedule and approve updates but not import or manage keys", () => {
    expect(can("manager", "ota.schedule")).toBe(true);
    expect(can("manager", "ota.approve")).toBe(true);
    expect(can("manager", "devices.import")).toBe(false);
    expect(can("manager", "apikeys.manage")).toBe(false);
  });

  it("lets admins do everything", () => {
    for (const permission of PERMISSIONS) expect(can("admin", permission)).toBe(true);
  });

  it("scopes whoever is bound to a farm to that farm, whatever the role", () => {
    expect(farmScope({ role: "manager", farmId: 3 })).toBe(3);
    expect(farmScope({ role: "admin", farmId: 3 })).toBe(3);
    expect(farmScope({ role: "admin", farmId: null })).toBeNull();
    expect(farmScope({ role: "viewer", farmId: null })).toBeNull();
  });

  it("keeps what every farm shares from anyone bound to one farm, and says why", () => {
    const farmAdminKey = { kind: "api_key" as const, role: "admin" as const, farmId: 3 };
    for (const permission of ["firmware.write", "firmware.publish", "users.manage", "apikeys.manage"] as const) {
      expect(allows(farmAdminKey, permission), permission).toBe(false);
      expect(allows({ ...farmAdminKey, farmId: null }, permission), permission).toBe(true);
    }
    expect(permissionRefusal(farmAdminKey, "apikeys.manage")).toMatch(/bound to one farm/);
    expect(allows(farmAdminKey, "devices.import")).toBe(true);
    expect(permissionRefusal({ kind: "user", role: "viewer", farmId: null }, "devices.write")).toBe("Your role (viewer) does not allow devices.write.");
  });
});
