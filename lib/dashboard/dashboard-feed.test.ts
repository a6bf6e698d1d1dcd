import { describe, expect, it } from "vitest";
import { actionLabel, changedFields, describeEvent } from "./dashboard-feed";

const at = new Date("2026-11-23T06:00:00Z");
const base = { at, device_id: "MM001", device_name: "Milk meter 1", alert_id: null, alert_type: null, severity: null, action: null, actor_label: null, after: null };

describe("the dashboard's events", () => {
  it("call an offline alert the monitor cleared a device that came back, linking to the alert", () => {
    const auto = "Auto-resolved: the device reported again";
    expect(describeEvent({ ...base, kind: "alert_cleared", alert_id: 7, alert_type: "offline", severity: "critical", note: auto })).toEqual({
      kind: "alert_cleared",
      at,
      title: "Came back online",
      detail: "MM001 Milk meter 1",
      href: "/alerts/7",
      tone: "good",
    });
    expect(describeEvent({ ...base, kind: "alert_cleared", alert_id: 8, alert_type: "low_battery", note: auto }).title).toBe("Low battery cleared");
    // a person closing an alert does not mean the device is back
    expect(describeEvent({ ...base, kind: "alert_cleared", alert_id: 9, alert_type: "offline", actor_label: "tech@x.example", note: "Cow moved" })).toMatchObject({
      title: "Device offline alert resolved",
      detail: "MM001 Milk meter 1 · by tech@x.example",
      tone: "neutral",
    });
  });

  it("colour a raised alert by its severity", () => {
    expect(describeEvent({ ...base, kind: "alert_raised", alert_id: 9, alert_type: "high_errors", severity: "critical" })).toMatchObject({ title: "High error rate alert raised", tone: "bad", href: "/alerts/9" });
    expect(describeEvent({ ...base, kind: "alert_raised", alert_id: 9, alert_type: "poor_signal", severity: "warning" }).tone).toBe("warn");
  });

  it("say a silent device went silent and link to it", () => {
    expect(describeEvent({ ...base, kind: "went_silent" })).toMatchObject({ title: "Went silent", href: "/devices/MM001", tone: "bad" });
  });

  it("word a device change with its fields and who made it", () => {
    expect(describeEvent({ ...base, kind: "change", action: "updated", actor_label: "tech@smartdairy.example", after: { name: "x", group: "y", secretThing: 1 } })).toMatchObject({
      title: "MM001 Milk meter 1 changed",
      detail: "Name, Group · by tech@smartdairy.example",
      href: "/devices/MM001",
    });
    expect(changedFields({ a: 1 })).toBeNull();
    expect(changedFields(["name"])).toBeNull();
    expect(changedFields({ name: 1, state: 2, farm: 3, group: 4 })).toBe("Name, Status, Farm…");
    expect(actionLabel("maintenanceOn")).toBe("put in maintenance");
    expect(actionLabel("something_new")).toBe("something new");
  });
});
