import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { firstDirectoryClosedTo, unixUser } from "./postgres-user-access";

type FakeEntry = { mode: number; uid: number; gid: number; dir?: boolean };

function fakeTree(entries: Record<string, FakeEntry>) {
  return (dir: string) => {
    const entry = entries[dir];
    return entry && { mode: entry.mode, uid: entry.uid, gid: entry.gid, isDirectory: () => entry.dir ?? true };
  };
}

const postgres = { name: "postgres", uid: 101, gid: 104 };

describe("firstDirectoryClosedTo", () => {
  const open = { "/": { mode: 0o755, uid: 0, gid: 0 }, "/srv": { mode: 0o755, uid: 0, gid: 0 } };

  it("finds nothing when every folder on the way lets others through", () => {
    const stat = fakeTree({ ...open, "/srv/app": { mode: 0o711, uid: 0, gid: 0 } });
    expect(firstDirectoryClosedTo("/srv/app", postgres, stat)).toBeUndefined();
  });

  it("names the first folder that only its owner may enter (mktemp -d, /root)", () => {
    const stat = fakeTree({ ...open, "/srv/tmp.x": { mode: 0o700, uid: 0, gid: 0 }, "/srv/tmp.x/app": { mode: 0o755, uid: 0, gid: 0 } });
    expect(firstDirectoryClosedTo("/srv/tmp.x/app/node_modules", postgres, stat)).toBe("/srv/tmp.x");
  });

  it("uses the owner's bits for a folder the user owns, even when others may pass", () => {
    const stat = fakeTree({ ...open, "/srv/pg": { mode: 0o071, uid: 101, gid: 0 } });
    expect(firstDirectoryClosedTo("/srv/pg", postgres, stat)).toBe("/srv/pg");
    const owned = fakeTree({ ...open, "/srv/pg": { mode: 0o700, uid: 101, gid: 0 } });
    expect(firstDirectoryClosedTo("/srv/pg", postgres, owned)).toBeUndefined();
  });

  it("uses the group's bits for a folder of the user's primary group", () => {
    expect(firstDirectoryClosedTo("/srv/g", postgres, fakeTree({ ...open, "/srv/g": { mode: 0o750, uid: 0, gid: 104 } }))).toBeUndefined();
    expect(firstDirectoryClosedTo("/srv/g", postgres, fakeTree({ ...open, "/srv/g": { mode: 0o701, uid: 0, gid: 104 } }))).toBe("/srv/g");
  });

  it("judges a user that does not exist yet by the other bits only", () => {
    const stat = fakeTree({ ...open, "/srv/g": { mode: 0o770, uid: 0, gid: 104 } });
    expect(firstDirectoryClosedTo("/srv/g", { name: "postgres" }, stat)).toBe("/srv/g");
  });

  it("stops at the first part that does not exist yet: root creates it", () => {
    expect(firstDirectoryClosedTo("/srv/new/deeper", postgres, fakeTree(open))).toBeUndefined();
  });

  it("skips a file at the end of the path", () => {
    const stat = fakeTree({ ...open, "/srv/file": { mode: 0o600, uid: 0, gid: 0, dir: false } });
    expect(firstDirectoryClosedTo("/srv/file", postgres, stat)).toBeUndefined();
  });
});

describe("on this machine's file system", () => {
  const base = mkdtempSync(path.join(os.tmpdir(), "sdm-access-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("reads real modes: a 0700 folder is closed to another user, a 0755 one is open", () => {
    const closed = path.join(base, "closed");
    const opened = path.join(base, "open");
    mkdirSync(path.join(closed, "inside"), { recursive: true });
    mkdirSync(opened);
    writeFileSync(path.join(opened, "file"), "");
    chmodSync(base, 0o755);
    chmodSync(closed, 0o700);
    chmodSync(opened, 0o755);
    const stranger = { name: "stranger", uid: 65_000, gid: 65_000 };
    expect(firstDirectoryClosedTo(path.join(closed, "inside"), stranger)).toBe(closed);
    expect(firstDirectoryClosedTo(path.join(opened, "file"), stranger)).toBeUndefined();
  });

  it("looks users up by name, and has no ids for one that does not exist", () => {
    expect(unixUser("root")).toEqual({ name: "root", uid: 0, gid: 0 });
    expect(unixUser("sdm-no-such-user")).toEqual({ name: "sdm-no-such-user" });
  });
});
