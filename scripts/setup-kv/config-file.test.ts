import { describe, expect, it } from "vitest";
import { COMMENTED_CONFIG } from "./commented-config.fixture.js";
import { detectFormatting, readBinding, writeBinding } from "./config-file.js";
import { SetupKvError } from "./errors.js";

const ids = { id: "aaa", previewId: "bbb" };

describe("readBinding", () => {
  it("reads the worker name and the binding's current ids", () => {
    expect(readBinding(COMMENTED_CONFIG, "SHARE_DATA_KV", "w.jsonc")).toEqual({
      workerName: "kv-share-worker",
      id: "share-data-kv-local",
    });
    expect(readBinding(COMMENTED_CONFIG, "MISSING", "w.jsonc")).toEqual({
      workerName: "kv-share-worker",
    });
  });

  it("reports where the file is broken as file:line:column", () => {
    const broken = '{\n  "name": "x",\n  "main" "src/index.ts"\n}\n';
    const error = (() => {
      try {
        readBinding(broken, "SHARE_DATA_KV", "wrangler.jsonc");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SetupKvError);
    expect((error as SetupKvError).code).toBe("CONFIG_UNPARSEABLE");
    expect((error as SetupKvError).message).toMatch(/^wrangler\.jsonc:3:10: ColonExpected\./);
    expect((error as SetupKvError).message).toContain('    "main" "src/index.ts"\n             ^');
  });

  it("rejects kv_namespaces that is not an array", () => {
    expect(() => readBinding('{ "kv_namespaces": {} }', "SHARE_DATA_KV", "w.jsonc")).toThrow(
      /w\.jsonc:1:20: "kv_namespaces" must be an array/,
    );
  });
});

describe("writeBinding", () => {
  it("changes only the binding's id and adds preview_id, keeping every comment", () => {
    const after = writeBinding(COMMENTED_CONFIG, "SHARE_DATA_KV", ids, "w.jsonc");
    expect(after).toBe(
      COMMENTED_CONFIG.replace(
        '"id": "share-data-kv-local"',
        '"id": "aaa",\n      "preview_id": "bbb"',
      ),
    );
  });

  it("is idempotent: writing the same ids again returns the text unchanged", () => {
    const once = writeBinding(COMMENTED_CONFIG, "SHARE_DATA_KV", ids, "w.jsonc");
    expect(writeBinding(once, "SHARE_DATA_KV", ids, "w.jsonc")).toBe(once);
  });

  it("appends an entry for a new binding after the existing ones", () => {
    const after = writeBinding(COMMENTED_CONFIG, "NEW_KV", ids, "w.jsonc");
    expect(readBinding(after, "NEW_KV", "w.jsonc")).toMatchObject({ id: "aaa", previewId: "bbb" });
    expect(readBinding(after, "SHARE_DATA_KV", "w.jsonc")).toMatchObject({
      id: "share-data-kv-local",
    });
    expect(after).toContain(
      '    {\n      "binding": "NEW_KV",\n      "id": "aaa",\n      "preview_id": "bbb"\n    }',
    );
  });

  it("creates kv_namespaces in the file's own indentation and line endings", () => {
    const tabs = '{\r\n\t"name": "x"\r\n}\r\n';
    expect(writeBinding(tabs, "SHARE_DATA_KV", ids, "w.jsonc")).toBe(
      '{\r\n\t"name": "x",\r\n\t"kv_namespaces": [\r\n\t\t{\r\n\t\t\t"binding": "SHARE_DATA_KV",\r\n' +
        '\t\t\t"id": "aaa",\r\n\t\t\t"preview_id": "bbb"\r\n\t\t}\r\n\t]\r\n}\r\n',
    );
  });
});

describe("detectFormatting", () => {
  it("ignores block-comment continuation lines when measuring indentation", () => {
    expect(detectFormatting('/*\n * x\n */\n{\n    "a": 1\n}\n')).toEqual({
      insertSpaces: true,
      tabSize: 4,
      eol: "\n",
    });
  });
});
