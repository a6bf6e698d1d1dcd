import { describe, expect, it } from "vitest";
import { filterLogText, formatLogLine, parseLevelFilter, parseLogLine } from "./log-lines";

const text = [
  "2026-12-03T12:00:00.000Z INFO  flow: flow sensor ok",
  "2026-12-03T12:00:01.000Z DEBUG mqtt: telemetry queued (300 bytes, qos 1)",
  "2026-12-03T12:00:02.000Z WARN  net: weak signal -92 dBm",
  "2026-12-03T12:00:03.000Z ERROR flow: flow read failed (E42)",
  "    at readFlow (flow.c:120)",
  "garbage without a level",
  "2026-12-03T12:00:04.000Z TRACE radio: rx frame len=40",
  "",
].join("\n");

describe("log lines", () => {
  it("formats the contract's line and parses it back", () => {
    const line = formatLogLine(new Date("2026-12-03T12:00:00.000Z"), "INFO", "flow", "a message: with colon\nand newline");
    expect(line).toBe("2026-12-03T12:00:00.000Z INFO  flow: a message: with colon and newline");
    expect(parseLogLine(line, 7)).toEqual({ n: 7, time: "2026-12-03T12:00:00.000Z", level: "INFO", source: "flow", message: "a message: with colon and newline" });
  });

  it("keeps a line not in the format, with level null", () => {
    expect(parseLogLine("boot banner v2", 1)).toEqual({ n: 1, time: null, level: null, source: null, message: "boot banner v2" });
    expect(parseLogLine("2026-12-03T12:00:00Z warning net: x", 2).level).toBe("WARN");
  });

  it("reads level filters: at or above, or exactly with =", () => {
    expect(parseLevelFilter("warn")).toEqual({ level: "WARN", exact: false });
    expect(parseLevelFilter("=Debug")).toEqual({ level: "DEBUG", exact: true });
    expect(parseLevelFilter("loud")).toBeNull();
    expect(parseLevelFilter("")).toBeNull();
  });

  it("filters at or above a level; unformatted lines follow the line before them", () => {
    const read = filterLogText(text, { level: parseLevelFilter("warn") }, 100);
    expect(read.lines.map((line) => line.n)).toEqual([3, 4, 5, 6]);
    expect(read.total).toBe(7);
    expect(read.lines[2]).toMatchObject({ level: null, message: "    at readFlow (flow.c:120)" });
  });

  it("filters one level exactly", () => {
    expect(filterLogText(text, { level: parseLevelFilter("=debug") }, 100).lines.map((line) => line.source)).toEqual(["mqtt"]);
  });

  it("searches case-insensitively over the whole line, level included", () => {
    expect(filterLogText(text, { search: "FLOW" }, 100).lines.map((line) => line.n)).toEqual([1, 4, 5]);
    expect(filterLogText(text, { search: "error" }, 100).lines.map((line) => line.n)).toEqual([4]);
    expect(filterLogText(text, { search: "flow", level: parseLevelFilter("error") }, 100).lines.map((line) => line.n)).toEqual([4, 5]);
  });

  it("returns the newest lines last, capped, and says it truncated", () => {
    const read = filterLogText(text, {}, 3);
    expect(read.lines.map((line) => line.n)).toEqual([5, 6, 7]);
    expect(read).toMatchObject({ matched: 7, total: 7, truncated: true });
    expect(filterLogText(text, {}, 7).truncated).toBe(false);
    const many = Array.from({ length: 10_000 }, (_, i) => `2026-12-03T12:00:00.000Z INFO  app: line ${i}`).join("\n");
    const capped = filterLogText(many, {}, 10);
    expect(capped.lines.map((line) => line.message)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${9990 + i}`));
  });
});
