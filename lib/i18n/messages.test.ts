/**
 * The two message catalogues stay in step: the same keys, nothing left empty, and every message
 * takes the same arguments and tags in both languages (a Dutch text missing {count} would show a
 * wrong number; one with an extra argument would throw at render).
 */
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";
import { LOCALES } from "./format";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

/** The arguments ("count:plural", "name:") and tags ("<first>") a message uses, sorted. */
function signature(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.argument) found.add(`${element.value}:`);
      if (element.type === TYPE.number) found.add(`${element.value}:number`);
      if (element.type === TYPE.date || element.type === TYPE.time) found.add(`${element.value}:date`);
      if (element.type === TYPE.plural) {
        found.add(`${element.value}:plural`);
        for (const option of Object.values(element.options)) walk(option.value);
      }
      if (element.type === TYPE.select) {
        found.add(`${element.value}:select`);
        for (const option of Object.values(element.options)) walk(option.value);
      }
      if (element.type === TYPE.tag) {
        found.add(`<${element.value}>`);
        walk(element.children);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

const catalogues = { en: flatten(en as Tree), nl: flatten(nl as Tree) };

describe("messages", () => {
  it("has a catalogue for every language the product offers", () => {
    expect(Object.keys(catalogues).sort()).toEqual([...LOCALES].sort());
  });

  it("every English key exists in Dutch and the other way round", () => {
    const missingInNl = [...catalogues.en.keys()].filter((key) => !catalogues.nl.has(key));
    const missingInEn = [...catalogues.nl.keys()].filter((key) => !catalogues.en.has(key));
    expect({ missingInNl, missingInEn }).toEqual({ missingInNl: [], missingInEn: [] });
  });

  it("no message is empty", () => {
    for (const [locale, messages] of Object.entries(catalogues)) {
      const empty = [...messages].filter(([, text]) => !text.trim()).map(([key]) => `${locale}:${key}`);
      expect(empty).toEqual([]);
    }
  });

  it("every message parses as ICU and takes the same arguments and tags in both languages", () => {
    const mismatched: string[] = [];
    for (const [key, text] of catalogues.en) {
      const dutch = catalogues.nl.get(key);
      if (dutch === undefined) continue;
      const [a, b] = [signature(text), signature(dutch)];
      if (a.join() !== b.join()) mismatched.push(`${key}: en ${a.join(" ")} / nl ${b.join(" ")}`);
    }
    expect(mismatched).toEqual([]);
  });

  it("the signature check sees a dropped argument", () => {
    expect(signature("{count, plural, one {# device} other {# devices}} in {farm}")).toEqual(["count:plural", "farm:"]);
    expect(signature("×{count} · first <first></first>")).toEqual(["<first>", "count:"]);
  });

  it("Dutch is really translated: most texts differ from English", () => {
    const same = [...catalogues.en].filter(([key, text]) => catalogues.nl.get(key) === text).length;
    expect(same / catalogues.en.size).toBeLessThan(0.2);
  });
});
