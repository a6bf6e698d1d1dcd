import { describe, expect, it } from "vitest";
import { alertMessage } from "./alert-message";
import { inAppText } from "./in-app-text";

const BASE = "https://dairy.example";

describe("a notification's text in the app", () => {
  it("turns an alert mail's link lines into linked words, paths of the app itself, with no URL left in the text", () => {
    const message = alertMessage(
      {
        alertId: 42,
        alertType: "low_battery",
        severity: "critical",
        message: "Battery level at 4 %",
        createdAt: new Date("2026-12-04T02:00:00Z"),
        device: { deviceId: "MM001", name: "Milk meter 1" },
        group: null,
        farm: { id: 1, code: "GP", name: "Green Pastures", timezone: "Europe/Amsterdam" },
        level: 1,
      },
      BASE,
    );
    const lines = inAppText(message.body.en, BASE);
    const links = lines.flat().filter((piece) => piece.href);
    expect(links).toEqual([
      { text: "Open the alert", href: "/alerts/42" },
      { text: "Open the device", href: "/devices/MM001" },
    ]);
    expect(lines.find((line) => line[0]?.href === "/alerts/42")).toEqual([{ text: "Open the alert", href: "/alerts/42" }, { text: " (acknowledge it to stop escalation)" }]);
    expect(lines.flat().map((piece) => piece.text).join("")).not.toMatch(/https?:/);
    expect(lines[0]).toEqual([{ text: "Nobody has acknowledged this critical alert yet: it now goes to on-call level 1." }]);
  });

  it("links a URL inside a sentence where it stands, keeps a foreign one whole and the full stop out of it", () => {
    expect(inAppText("See https://vendor.example/manual/mm.pdf. Then retry.", BASE)).toEqual([
      [{ text: "See " }, { text: "vendor.example/manual/mm.pdf", href: "https://vendor.example/manual/mm.pdf" }, { text: ". Then retry." }],
    ]);
    expect(inAppText("Details: https://dairy.example/devices/MM%20001?tab=health", BASE)).toEqual([[{ text: "Details", href: "/devices/MM%20001?tab=health" }]]);
    expect(inAppText("", BASE)).toEqual([[{ text: "" }]]);
  });
});
