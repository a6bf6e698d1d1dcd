import { describe, expect, it } from "vitest";
import { FIRMWARE_STATES, FIRMWARE_TRANSITIONS, firmwareIdParam, firmwareStateChangeSchema, firmwareUploadSchema } from "./firmware-schemas";

const upload = { name: "Collar firmware", version: "2.1.0", deviceType: "collar" };

describe("firmwareUploadSchema", () => {
  it("reads the upload form: models from a comma list, trimmed and without repeats; blanks as none", () => {
    const parsed = firmwareUploadSchema.parse({ ...upload, compatibleModels: " AC-100, AC-200 ,AC-100,, ", minPreviousVersion: "", isMandatory: "on", releaseNotes: "" });
    expect(parsed).toMatchObject({ compatibleModels: ["AC-100", "AC-200"], minPreviousVersion: null, isMandatory: true, releaseNotes: null });
  });

  it("reads the same from JSON", () => {
    expect(firmwareUploadSchema.parse({ ...upload, compatibleModels: ["AC-100", "AC-100"], minPreviousVersion: "v1.9", isMandatory: false })).toMatchObject({
      compatibleModels: ["AC-100"],
      minPreviousVersion: "v1.9",
      isMandatory: false,
    });
  });

  it("takes the versions device makers write, and says what a version looks like otherwise", () => {
    for (const version of ["2.1", "2.1.0-rc.1", "v3.0.2", "1.2.3.4", "1.0.0+build.7"]) expect(firmwareUploadSchema.safeParse({ ...upload, version }).success, version).toBe(true);
    for (const version of ["latest", "2.x", "1.2.3.4.5", "2..1"]) {
      expect(firmwareUploadSchema.safeParse({ ...upload, version }).error?.issues[0]?.message, version).toBe("Use a version like 2.1.0 (optionally -rc.1)");
    }
    expect(firmwareUploadSchema.safeParse({ ...upload, version: " " }).error?.issues[0]?.message).toBe("Version is required");
  });

  it("bounds the model list and refuses unknown fields and device types", () => {
    const many = Array.from({ length: 51 }, (_, i) => `M-${i}`).join(",");
    expect(firmwareUploadSchema.safeParse({ ...upload, compatibleModels: many }).error?.issues[0]?.message).toBe("At most 50 models");
    expect(firmwareUploadSchema.safeParse({ ...upload, compatibleModels: ["x".repeat(81)] }).error?.issues[0]?.message).toBe("A model name has at most 80 characters");
    expect(firmwareUploadSchema.safeParse({ ...upload, deviceType: "toaster" }).error?.issues[0]?.message).toBe("Pick a device type");
    expect(firmwareUploadSchema.safeParse({ ...upload, signature: "x" }).success).toBe(false);
  });
});

describe("firmware states", () => {
  it("move forward from draft to deprecated, a failed test back to draft, and never out of deprecated", () => {
    expect(FIRMWARE_TRANSITIONS.draft).toEqual(["testing"]);
    expect(FIRMWARE_TRANSITIONS.testing).toContain("draft");
    expect(FIRMWARE_TRANSITIONS.stable).toEqual(["deprecated"]);
    expect(FIRMWARE_TRANSITIONS.deprecated).toEqual([]);
    for (const [from, targets] of Object.entries(FIRMWARE_TRANSITIONS)) {
      for (const to of targets) expect(FIRMWARE_STATES, `${from} → ${to}`).toContain(to);
      expect(targets, from).not.toContain(from);
    }
  });

  it("parses a state change and a firmware id from the URL", () => {
    expect(firmwareStateChangeSchema.parse({ state: "stable" })).toEqual({ state: "stable" });
    expect(firmwareStateChangeSchema.safeParse({ state: "released" }).error?.issues[0]?.message).toBe("Pick draft, testing, stable or deprecated");
    expect(firmwareIdParam.parse("12")).toBe(12);
    expect(firmwareIdParam.safeParse("abc").error?.issues[0]?.message).toBe("Firmware id must be a number");
    expect(firmwareIdParam.safeParse("-1").error?.issues[0]?.message).toBe("Firmware id must be a positive number");
  });
});
