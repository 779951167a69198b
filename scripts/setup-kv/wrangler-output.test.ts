import { describe, expect, it } from "vitest";
import type { SetupKvError } from "./errors.js";
import {
  classifyFailure,
  isMissingBucket,
  parseCreatedId,
  parseLifecycleRules,
  parseNamespaceList,
  parseWhoami,
} from "./wrangler-output.js";

// Texts as wrangler 4.164.0 prints them (see scripts/fake-wrangler/fake-wrangler.mjs).
const ERROR = "\u001b[31m\u2718 \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1m";

describe("classifyFailure", () => {
  it.each([
    [
      `${ERROR}In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable`,
      "not-logged-in",
    ],
    ['\n{"loggedIn":false}\n', "not-logged-in"],
    ["You are not authenticated. Please run `wrangler login`.", "not-logged-in"],
    [
      `${ERROR}A request to the Cloudflare API failed.\u001b[0m\n\n  Authentication error [code: 10000]\n`,
      "no-permission",
    ],
    ["Access denied", "no-permission"],
    [
      `${ERROR}More than one account available but unable to select one in non-interactive mode.`,
      "other",
    ],
  ] as const)("%j -> %s", (output, kind) => {
    expect(classifyFailure(output)).toBe(kind);
  });
});

describe("parsers", () => {
  it("reads the namespace list and ignores extra fields", () => {
    const out =
      '[\n  {\n    "id": "abc",\n    "title": "SHARE_DATA_KV",\n    "supports_url_encoding": true\n  }\n]\n';
    expect(parseNamespaceList("wrangler kv namespace list", out)).toEqual([
      { id: "abc", title: "SHARE_DATA_KV" },
    ]);
  });

  it("reads whoami --json, with OAuth scopes when present", () => {
    expect(
      parseWhoami("w", '{\n    "loggedIn": true,\n    "tokenPermissions": ["workers_kv:write"]\n}'),
    ).toEqual({
      loggedIn: true,
      tokenPermissions: ["workers_kv:write"],
    });
    expect(parseWhoami("w", '\n{"loggedIn":false}\n')).toEqual({ loggedIn: false });
  });

  it("reads the id from create's config snippet", () => {
    const out =
      'Success!\n{\n  "kv_namespaces": [\n    {\n      "binding": "B",\n      "preview_id": "f00d"\n    }\n  ]\n}\n';
    expect(parseCreatedId("w", out)).toBe("f00d");
  });

  it("rejects output it cannot read and quotes it", () => {
    for (const parse of [parseNamespaceList, parseCreatedId, parseWhoami]) {
      const error = (() => {
        try {
          parse("wrangler x", "<html>Bad gateway</html>");
        } catch (e) {
          return e as SetupKvError;
        }
      })();
      expect(error?.code).toBe("WRANGLER_OUTPUT_UNPARSEABLE");
      expect(error?.message).toContain("    <html>Bad gateway</html>");
    }
  });
});

describe("parseLifecycleRules", () => {
  // formatLabelledValues with a terminal's colours (white labels, gray values), two rules.
  const label = (l: string) => `\u001b[37m${l}:\u001b[39m`;
  const value = (v: string) => `\u001b[90m${v}\u001b[39m`;
  const block = (rows: [string, string][]) =>
    rows.map(([l, v]) => `${label(l)}${" ".repeat(10 - l.length - 1)}${value(v)}`).join("\n");
  it("reads every rule's name, state, prefix and action, colours or not", () => {
    const output =
      "Listing lifecycle rules for bucket 'share-images'...\n" +
      block([
        ["name", "expire-share-images"],
        ["enabled", "Yes"],
        ["prefix", "images/"],
        ["action", "Expire objects after 30 days"],
      ]) +
      "\n\n" +
      block([
        ["name", "everything"],
        ["enabled", "No"],
        ["prefix", "(all prefixes)"],
        ["action", "Abort incomplete multipart uploads after 7 days"],
      ]);
    expect(parseLifecycleRules("list", output)).toEqual([
      {
        name: "expire-share-images",
        enabled: "Yes",
        prefix: "images/",
        action: "Expire objects after 30 days",
      },
      {
        name: "everything",
        enabled: "No",
        prefix: "(all prefixes)",
        action: "Abort incomplete multipart uploads after 7 days",
      },
    ]);
  });

  it("an empty list is no rules; anything else is refused with what wrangler printed", () => {
    expect(
      parseLifecycleRules("list", "There are no lifecycle rules for bucket 'share-images'.\n"),
    ).toEqual([]);
    expect(() => parseLifecycleRules("list", "Bad Gateway")).toThrowError(
      expect.objectContaining<Partial<SetupKvError>>({ code: "WRANGLER_OUTPUT_UNPARSEABLE" }),
    );
  });

  it("tells a missing bucket (API code 10006) from other failures", () => {
    expect(isMissingBucket(`${ERROR}The specified bucket does not exist. [code: 10006]`)).toBe(
      true,
    );
    expect(isMissingBucket(`${ERROR}Authentication error [code: 10000]`)).toBe(false);
  });
});
