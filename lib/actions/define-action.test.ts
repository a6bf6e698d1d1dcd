import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Actor } from "../auth/permissions";
import { ConflictError, NotFoundError } from "../errors";
import { defineAction, formDataToObject } from "./define-action";

const session = vi.hoisted(() => ({ actor: null as Actor | null, gate: null as string | null }));
vi.mock("../auth/session", () => ({ currentActor: async () => session.actor, twoFactorGate: async () => session.gate }));

const person = (role: Actor["role"]) => ({ kind: "user", id: 1, label: `${role}@example.test`, name: role, role, farmId: 1 }) as Actor;

describe("formDataToObject", () => {
  it("turns form fields into an object, a repeated name into a list, without React's own fields", () => {
    const form = new FormData();
    form.append("name", "Meter 1");
    form.append("tagIds", "2");
    form.append("tagIds", "5");
    form.append("$ACTION_ID_abc", "");
    expect(formDataToObject(form)).toEqual({ name: "Meter 1", tagIds: ["2", "5"] });
  });
});

describe("defineAction", () => {
  const run = vi.fn(async (input: { name: string }, actor: Actor) => `${input.name} by ${actor.role}`);
  const rename = defineAction({ permission: "devices.write", schema: z.object({ name: z.string().trim().min(1, "Name is required") }) }, run);

  beforeEach(() => {
    run.mockClear();
    session.actor = person("technician");
    session.gate = null;
  });

  it("runs with the parsed input and the signed-in person, from a form or a plain object", async () => {
    const form = new FormData();
    form.append("name", "  Meter 2 ");
    expect(await rename(null, form)).toEqual({ ok: true, data: "Meter 2 by technician" });
    expect(await rename(null, { name: "Meter 3" })).toEqual({ ok: true, data: "Meter 3 by technician" });
  });

  it("asks to sign in again when the session has ended, and runs nothing", async () => {
    session.actor = null;
    expect(await rename(null, { name: "x" })).toEqual({ ok: false, error: "Your session has ended. Sign in again." });
    expect(run).not.toHaveBeenCalled();
  });

  it("refuses a role without the permission on the server, whatever the page showed", async () => {
    session.actor = person("viewer");
    expect(await rename(null, { name: "x" })).toEqual({ ok: false, error: "Your role (viewer) does not allow this." });
    expect(run).not.toHaveBeenCalled();
  });

  it("refuses an admin held for two-factor set-up with the gate's reason, and runs nothing", async () => {
    session.actor = person("admin");
    session.gate = "Admins must turn on two-factor sign-in first.";
    expect(await rename(null, { name: "x" })).toEqual({ ok: false, error: "Admins must turn on two-factor sign-in first." });
    expect(run).not.toHaveBeenCalled();
  });

  it("returns the field errors of bad input, and runs nothing", async () => {
    expect(await rename(null, { name: " " })).toEqual({ ok: false, error: "Please correct the highlighted fields.", fieldErrors: { name: ["Name is required"] } });
    expect(run).not.toHaveBeenCalled();
  });

  it("shows an expected failure's message (with its fields), and hides an unexpected one", async () => {
    run.mockRejectedValueOnce(new ConflictError("That name is taken.", { name: ["Taken"] }));
    expect(await rename(null, { name: "x" })).toEqual({ ok: false, error: "That name is taken.", fieldErrors: { name: ["Taken"] } });

    run.mockRejectedValueOnce(new NotFoundError("No such device."));
    expect(await rename(null, { name: "x" })).toEqual({ ok: false, error: "No such device." });

    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    run.mockRejectedValueOnce(new Error("connection reset, password=hunter2"));
    expect(await rename(null, { name: "x" })).toEqual({ ok: false, error: "Something went wrong on our side. Nothing was changed." });
    expect(quiet).toHaveBeenCalledOnce();
    quiet.mockRestore();
  });
});
