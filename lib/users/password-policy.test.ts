import { describe, expect, it } from "vitest";
import { commonPasswords, passwordProblem, PASSWORD_MIN_LENGTH } from "./password-policy";

describe("the password policy", () => {
  it("ships a list of several hundred common passwords", () => {
    expect(commonPasswords().size).toBeGreaterThan(400);
    expect(commonPasswords().has("password")).toBe(true);
  });

  it("accepts a long password of unrelated words", () => {
    expect(passwordProblem("copper kettle meadow", { email: "jan@farm.example", name: "Jan Boer" })).toBeNull();
    expect(passwordProblem("Tr4ctor-Lantern-Sky")).toBeNull();
  });

  it("refuses short ones, saying how long it must be", () => {
    expect(passwordProblem("short1!")).toMatch(`at least ${PASSWORD_MIN_LENGTH} characters`);
    expect(passwordProblem("x".repeat(201))).toMatch("at most 200");
  });

  it("refuses the common list, also with digits added or letters swapped for look-alikes", () => {
    expect(passwordProblem("qwertyuiop123")).toMatch("most common");
    expect(passwordProblem("iloveyou1234")).toMatch("most common");
    expect(passwordProblem("Liverpool2026!")).toMatch("most common");
    expect(passwordProblem("Sunsh1ne2026!")).toMatch("most common");
  });

  it("refuses the product's name or 'password' with digits", () => {
    expect(passwordProblem("smartdairy2026")).toMatch("product's name");
    expect(passwordProblem("Dairy12345678")).toMatch("product's name");
    expect(passwordProblem("P@ssw0rd202612")).toMatch("product's name");
  });

  it("refuses one repeated character and simple sequences", () => {
    expect(passwordProblem("aaaaaaaaaaaaaa")).toMatch("repeated");
    expect(passwordProblem("123456789012")).toMatch(/sequence|common/);
    expect(passwordProblem("abcdefghijklmn")).toMatch(/sequence|common/);
    expect(passwordProblem("abcabcabcabc")).toMatch("sequence");
    expect(passwordProblem("zyxwvutsrqponm")).toMatch("sequence");
  });

  it("refuses the person's e-mail or name inside it", () => {
    expect(passwordProblem("my-jdevries-secret!", { email: "j.devries@farm.example" })).toMatch("e-mail");
    expect(passwordProblem("Hendrika loves cows", { email: "h@farm.example", name: "Hendrika Bakker" })).toMatch("your name");
  });
});
