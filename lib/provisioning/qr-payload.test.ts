import { describe, expect, it } from "vitest";
import { DEVICE_ID_PREFIX, DEVICE_TYPES } from "../devices/device-id";
import { claimPayload, inferDeviceType, labelPayload, MAX_LABEL_LENGTH, parseLabel } from "./qr-payload";

function refusal(text: string): string {
  const result = parseLabel(text);
  if (result.ok) throw new Error(`expected a refusal for ${JSON.stringify(text)}, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe("parseLabel: SMARTDAIRY:id:type:serial (M92 task 3.2)", () => {
  it("reads id, type and serial", () => {
    expect(parseLabel("SMARTDAIRY:MM001:milk_meter:SN-4471")).toEqual({ ok: true, format: "smartdairy", deviceId: "MM001", deviceType: "milk_meter", serialNumber: "SN-4471" });
  });

  it("accepts a label without a serial, with or without the trailing colon", () => {
    expect(parseLabel("SMARTDAIRY:TS12345:temperature")).toEqual({ ok: true, format: "smartdairy", deviceId: "TS12345", deviceType: "temperature" });
    expect(parseLabel("SMARTDAIRY:TS12345:temperature:")).toEqual({ ok: true, format: "smartdairy", deviceId: "TS12345", deviceType: "temperature" });
  });

  it("keeps a serial that holds colons whole", () => {
    expect(parseLabel("SMARTDAIRY:GW001:gateway:AB:CD:01")).toMatchObject({ ok: true, serialNumber: "AB:CD:01" });
  });

  it("tolerates surrounding whitespace, a lower-case prefix and id, and a type written as its label", () => {
    expect(parseLabel("  smartdairy:ac0042:Activity Collar:C-9 \n")).toEqual({ ok: true, format: "smartdairy", deviceId: "AC0042", deviceType: "collar", serialNumber: "C-9" });
    expect(parseLabel("SMARTDAIRY:RF001:rfid-reader")).toMatchObject({ ok: true, deviceType: "rfid_reader" });
  });

  it("infers the type from the id prefix when the type is blank", () => {
    expect(parseLabel("SMARTDAIRY:FD100::SN1")).toEqual({ ok: true, format: "smartdairy", deviceId: "FD100", deviceType: "feeder", serialNumber: "SN1" });
  });

  it("trusts the type the label states over the id prefix", () => {
    expect(parseLabel("SMARTDAIRY:MM001:gateway")).toMatchObject({ ok: true, deviceType: "gateway" });
  });

  it("refuses an incomplete label", () => {
    expect(refusal("SMARTDAIRY:MM001")).toMatch(/incomplete/);
    expect(refusal("SMARTDAIRY:")).toMatch(/incomplete/);
  });

  it("refuses a bad device id and says the format", () => {
    expect(refusal("SMARTDAIRY:M001:milk_meter:SN")).toBe('"M001" is not a valid device id: two capital letters and 3–6 digits (e.g. MM001).');
    expect(refusal("SMARTDAIRY:MM1234567:milk_meter")).toMatch(/not a valid device id/);
    expect(refusal("SMARTDAIRY::milk_meter")).toMatch(/no device id/);
  });

  it("refuses an unknown type and lists the known ones", () => {
    const reason = refusal("SMARTDAIRY:MM001:toaster:SN");
    expect(reason).toContain('Unknown device type "toaster"');
    for (const type of DEVICE_TYPES) expect(reason).toContain(type);
  });

  it("refuses an over-long serial", () => {
    expect(refusal(`SMARTDAIRY:MM001:milk_meter:${"X".repeat(51)}`)).toMatch(/longer than 50/);
  });
});

describe("parseLabel: JSON", () => {
  it("reads the M92 keys", () => {
    expect(parseLabel('{"device_id": "MM001", "type": "milk_meter", "serial_number": "SN-1"}')).toEqual({ ok: true, format: "json", deviceId: "MM001", deviceType: "milk_meter", serialNumber: "SN-1" });
  });

  it("reads camelCase keys, a numeric serial and a claim token", () => {
    expect(parseLabel('{"deviceId":"gw001","deviceType":"gateway","serialNumber":123456,"claimToken":"abcDEF123_-xyz"}')).toEqual({
      ok: true,
      format: "json",
      deviceId: "GW001",
      deviceType: "gateway",
      serialNumber: "123456",
      claimToken: "abcDEF123_-xyz",
    });
  });

  it("infers the type from the prefix when the JSON has none", () => {
    expect(parseLabel('{"id":"WD0007"}')).toEqual({ ok: true, format: "json", deviceId: "WD0007", deviceType: "waterer" });
  });

  it("refuses broken JSON, non-objects, a missing id and non-text values", () => {
    expect(refusal('{"device_id": "MM001"')).toMatch(/not valid JSON/);
    expect(refusal("{}")).toMatch(/no device_id/);
    expect(refusal('{"device_id": ["MM001"]}')).toMatch(/"device_id" must be text/);
    expect(refusal('{"device_id": "MM001", "type": {"x": 1}}')).toMatch(/"type" must be text/);
  });

  it("refuses a JSON array (it does not start as a label object)", () => {
    expect(refusal('[{"device_id":"MM001"}]')).toMatch(/Not a Smart Dairy device label/);
  });

  it("refuses an unknown type, a bad id and a damaged token", () => {
    expect(refusal('{"device_id":"MM001","type":"fridge"}')).toMatch(/Unknown device type "fridge"/);
    expect(refusal('{"device_id":"MMX01"}')).toMatch(/not a valid device id/);
    expect(refusal('{"device_id":"MM001","token":"no spaces allowed"}')).toMatch(/claim token .* damaged/);
  });
});

describe("parseLabel: a plain device id", () => {
  it("reads the id and infers the type for every prefix (M92 _inferDeviceType)", () => {
    for (const type of DEVICE_TYPES) {
      expect(parseLabel(`${DEVICE_ID_PREFIX[type]}001`)).toEqual({ ok: true, format: "device_id", deviceId: `${DEVICE_ID_PREFIX[type]}001`, deviceType: type });
    }
  });

  it("upper-cases a typed id", () => {
    expect(parseLabel("mm123456")).toEqual({ ok: true, format: "device_id", deviceId: "MM123456", deviceType: "milk_meter" });
  });

  it("accepts an id whose prefix names no type, leaving the type to the technician", () => {
    expect(parseLabel("ZZ001")).toEqual({ ok: true, format: "device_id", deviceId: "ZZ001" });
  });

  it("refuses an almost-id with the format", () => {
    expect(refusal("MM01")).toBe('"MM01" is not a valid device id: two capital letters and 3–6 digits (e.g. MM001).');
    expect(refusal("MM-001")).toMatch(/not a valid device id/);
    expect(refusal("MMM001")).toMatch(/not a valid device id/);
    expect(refusal("MM1234567")).toMatch(/not a valid device id/);
  });
});

describe("parseLabel: claim link (I-013 §2.3.2)", () => {
  it("reads the device id and the token", () => {
    expect(parseLabel("smartdairy://claim?d=MM001&t=Zx81_kq-0pLmN3vB")).toEqual({ ok: true, format: "claim_url", deviceId: "MM001", deviceType: "milk_meter", claimToken: "Zx81_kq-0pLmN3vB" });
  });

  it("accepts the parameters in any order and an upper-case scheme", () => {
    expect(parseLabel("SMARTDAIRY://claim/?t=abcdefgh12&d=gt0001")).toMatchObject({ ok: true, format: "claim_url", deviceId: "GT0001", deviceType: "gate", claimToken: "abcdefgh12" });
  });

  it("refuses other links, a missing id or token, a bad id and a damaged token", () => {
    expect(refusal("smartdairy://unclaim?d=MM001&t=abcdefgh12")).toMatch(/not a claim link/);
    expect(refusal("smartdairy://claim?t=abcdefgh12")).toMatch(/no device id/);
    expect(refusal("smartdairy://claim?d=MM001")).toMatch(/no claim token/);
    expect(refusal("smartdairy://claim?d=M1&t=abcdefgh12")).toMatch(/not a valid device id/);
    expect(refusal("smartdairy://claim?d=MM001&t=short")).toMatch(/damaged/);
    expect(refusal("smartdairy://claim?d=MM001&t=has%20space12")).toMatch(/damaged/);
  });
});

describe("parseLabel: refusals of anything else", () => {
  it("refuses empty input", () => {
    expect(refusal("")).toMatch(/empty/);
    expect(refusal("   \n")).toMatch(/empty/);
  });

  it("refuses over-long input before reading it", () => {
    expect(refusal(`SMARTDAIRY:MM001:milk_meter:${"x".repeat(MAX_LABEL_LENGTH)}`)).toMatch(/Too long for a device label/);
  });

  it("refuses control characters", () => {
    expect(refusal("MM001\u0000")).toMatch(/unreadable characters/);
  });

  it("refuses a web link and says what it is", () => {
    expect(refusal("https://example.com/product/123")).toMatch(/web link/);
  });

  it("refuses garbage and names the accepted formats", () => {
    const reason = refusal("hello cows");
    expect(reason).toMatch(/Not a Smart Dairy device label/);
    expect(reason).toContain("SMARTDAIRY:id:type:serial");
    expect(reason).toContain("smartdairy://claim");
  });

  it("never throws on a non-string", () => {
    expect(parseLabel(undefined as unknown as string)).toEqual({ ok: false, reason: "Nothing was read from the label." });
  });
});

describe("inferDeviceType", () => {
  it("maps every prefix and nothing else", () => {
    for (const type of DEVICE_TYPES) expect(inferDeviceType(`${DEVICE_ID_PREFIX[type]}001`)).toBe(type);
    expect(inferDeviceType("DV001")).toBeNull();
  });
});

describe("labelPayload and claimPayload", () => {
  it("writes SMARTDAIRY:id:type:serial and reads back the same device", () => {
    const payload = labelPayload({ deviceId: "MM001", deviceType: "milk_meter", serialNumber: "SN-4471" });
    expect(payload).toBe("SMARTDAIRY:MM001:milk_meter:SN-4471");
    expect(parseLabel(payload)).toEqual({ ok: true, format: "smartdairy", deviceId: "MM001", deviceType: "milk_meter", serialNumber: "SN-4471" });
  });

  it("leaves out a missing serial", () => {
    expect(labelPayload({ deviceId: "GW001", deviceType: "gateway", serialNumber: null })).toBe("SMARTDAIRY:GW001:gateway");
    expect(labelPayload({ deviceId: "GW001", deviceType: "gateway", serialNumber: "  " })).toBe("SMARTDAIRY:GW001:gateway");
  });

  it("refuses to print a label for an invalid id", () => {
    expect(() => labelPayload({ deviceId: "bad", deviceType: "gateway" })).toThrow(/Not a device id/);
    expect(() => claimPayload("bad", "abcdefgh12")).toThrow(/Not a device id/);
  });

  it("writes a claim link that reads back", () => {
    const link = claimPayload("TS00042", "q1w2e3r4t5y6u7i8");
    expect(link).toBe("smartdairy://claim?d=TS00042&t=q1w2e3r4t5y6u7i8");
    expect(parseLabel(link)).toEqual({ ok: true, format: "claim_url", deviceId: "TS00042", deviceType: "temperature", claimToken: "q1w2e3r4t5y6u7i8" });
  });
});
