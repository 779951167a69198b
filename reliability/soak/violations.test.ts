import { describe, expect, it } from "vitest";
import type { ShareData } from "../../src/shares/schema.js";
import type { Ledger, OpRecord } from "./history.js";
import { buildLedger } from "./history.js";
import {
  checkDuplicates,
  checkFinal,
  checkLogsForSecrets,
  checkOpResponse,
  checkRestartLoss,
  type FinalView,
  type IsolateView,
} from "./violations.js";

const body = (n: number) => ({
  generatedUrl: `https://img.example/${n}.png`,
  originalUrl: `https://img.example/${n}.jpg`,
  prompt: `prompt ${n}`,
  style: "ink",
});
const share = (id: string, n: number): ShareData => ({
  id,
  ...body(n),
  timestamp: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
});

const record = (r: Partial<OpRecord>): OpRecord => ({
  i: 0,
  client: 0,
  epoch: 0,
  generation: 0,
  kind: "create",
  isolate: 0,
  method: "POST",
  path: "/api/share",
  at: 0,
  ms: 1,
  virtualAt: 0,
  status: 201,
  outage: false,
  ...r,
});

function ledger(): Ledger {
  return buildLedger([
    record({ i: 0, id: "A", body: body(1) }),
    record({ i: 1, id: "B", body: body(2), status: 202 }),
    record({ i: 2, id: "C", body: body(3) }),
    record({ i: 3, kind: "delete", method: "DELETE", id: "C", status: 204, auth: "valid" }),
    record({ i: 4, kind: "create", status: 503 }),
  ]);
}

function healthyIsolate(): IsolateView {
  return {
    isolate: 0,
    listed: [share("A", 1), share("B", 2)],
    gets: new Map([
      ["A", { status: 200, share: share("A", 1) }],
      ["B", { status: 200, share: share("B", 2) }],
      ["C", { status: 404 }],
    ]),
    monitoring: { total: 2, pending: 0 },
  };
}

const healthy = (): FinalView => ({
  kvIds: new Set(["A", "B"]),
  isolates: [healthyIsolate()],
  lost: new Set(),
});

describe("checkFinal", () => {
  it("passes when KV, list, get and monitoring agree with what clients were told", () => {
    expect(checkFinal(ledger(), healthy())).toEqual([]);
  });

  it("flags an acknowledged share that vanished, and a deleted one that came back", () => {
    const view = healthy();
    view.kvIds = new Set(["B", "C"]);
    const codes = checkFinal(ledger(), view).map((v) => v.code);
    expect(codes).toContain("acked_missing_in_kv");
    expect(codes).toContain("deleted_still_in_kv");
  });

  it("flags a share nobody was told about, list/get disagreement and a wrong total", () => {
    const view = healthy();
    view.kvIds.add("Z");
    const iso = view.isolates[0]!;
    iso.listed = [share("A", 1), share("A", 1)];
    iso.gets.set("C", { status: 200, share: share("C", 3) });
    iso.monitoring = { total: 5, pending: 1 };
    const codes = checkFinal(ledger(), view).map((v) => v.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "unacked_in_kv",
        "listed_twice",
        "not_listed",
        "get_disagrees",
        "total_mismatch",
        "pending_not_flushed",
      ]),
    );
  });

  it("flags content that differs from what was sent", () => {
    const view = healthy();
    view.isolates[0]!.listed = [share("A", 1), { ...share("B", 2), prompt: "changed" }];
    expect(checkFinal(ledger(), view).map((v) => v.code)).toEqual(["content_mismatch"]);
  });

  it("expects shares lost to a restart to be gone everywhere", () => {
    const view = healthy();
    view.lost = new Set(["B"]);
    expect(checkFinal(ledger(), view).map((v) => v.code)).toEqual(
      expect.arrayContaining(["lost_mismatch", "listed_unexpectedly", "get_disagrees"]),
    );
  });
});

describe("checkRestartLoss", () => {
  it("accepts losing exactly the shares reported pending", () => {
    const ids = new Set(["B"]);
    expect(
      checkRestartLoss({ epoch: 0, reportedPending: 1, pendingIds: ids, lostIds: new Set(ids) }),
    ).toEqual([]);
  });

  it("flags a count mismatch and a lost share that was not pending", () => {
    const v = checkRestartLoss({
      epoch: 0,
      reportedPending: 2,
      pendingIds: new Set(["B"]),
      lostIds: new Set(["A", "B"]),
    });
    expect(v.map((x) => x.code)).toEqual(["pending_mismatch", "lost_mismatch"]);
  });
});

describe("checkOpResponse", () => {
  const view = (status: number, code?: string, retryAfter: string | null = "5") => ({
    status,
    text: code ? JSON.stringify({ error: { code, message: "m" } }) : "{}",
    contentType: "application/json",
    retryAfter,
  });

  it("allows 202 only with the memory fallback", () => {
    const r = record({ status: 202 });
    expect(checkOpResponse(r, view(202), "memory")).toEqual([]);
    expect(checkOpResponse(r, view(202), "reject").map((v) => v.code)).toEqual([
      "unexpected_status",
    ]);
  });

  it("flags a 500 and a 401 for a valid admin token", () => {
    const r500 = record({ kind: "get", status: 500, code: "internal_error" });
    expect(checkOpResponse(r500, view(500, "internal_error"), "reject").length).toBeGreaterThan(0);
    const r401 = record({ kind: "delete", status: 401, auth: "valid" });
    expect(checkOpResponse(r401, view(401, "unauthorized"), "reject").map((v) => v.code)).toEqual([
      "unexpected_status",
    ]);
    const wrong = record({ kind: "delete", status: 401, auth: "wrong" });
    expect(checkOpResponse(wrong, view(401, "unauthorized"), "reject")).toEqual([]);
  });
});

describe("checkLogsForSecrets", () => {
  it("finds a secret in a log line without printing it", () => {
    const [v] = checkLogsForSecrets(['{"auth":"Bearer s3cret"}', "ok"], ["s3cret", "other"]);
    expect(v?.code).toBe("secret_in_logs");
    expect(v?.message).not.toContain("s3cret");
  });
});

describe("idempotent creates", () => {
  it("flags two shares in KV from one keyed create, and one key answered with two ids", () => {
    const records = [
      record({
        i: 7,
        key: "k7",
        attempt: 1,
        status: 503,
        code: "worker_unavailable",
        body: body(7),
      }),
      record({ i: 7, key: "k7", attempt: 2, id: "X", body: body(7) }),
      record({ i: 8, key: "k8", attempt: 1, id: "Y", body: body(8) }),
      record({ i: 8, key: "k8", attempt: 2, id: "Z", body: body(8) }),
    ];
    const kv = [
      { id: "W", generatedUrl: body(7).generatedUrl },
      { id: "X", generatedUrl: body(7).generatedUrl },
      { id: "Y", generatedUrl: body(8).generatedUrl },
    ];
    expect(checkDuplicates(records, kv).map((v) => [v.code, v.message])).toEqual([
      ["duplicate_share", "2 shares in KV for one keyed create (Idempotency-Key): W, X"],
      ["idempotency_mismatch", "Idempotency-Key k8 was answered with 2 different shares: Y, Z"],
    ]);
    expect(checkDuplicates(records.slice(0, 2), kv.slice(1))).toEqual([]);
  });

  it("treats a create cut off by a crash as unknown until an answer names its share", () => {
    const cut = record({ i: 9, status: 503, code: "worker_unavailable", body: body(9) });
    expect([...buildLedger([cut]).unknown.keys()]).toEqual([body(9).generatedUrl]);
    const answered = record({ i: 9, key: "k9", attempt: 2, id: "V", body: body(9) });
    expect(buildLedger([cut, answered]).unknown.size).toBe(0);
    // A 503 from the Worker (storage_unavailable) is an answer: nothing was saved.
    const refused = record({ i: 10, status: 503, code: "storage_unavailable", body: body(10) });
    expect(buildLedger([refused]).unknown.size).toBe(0);
  });

  it("allows 409 only for a keyed create", () => {
    const view = {
      status: 409,
      text: '{"error":{"code":"idempotency_key_in_use","message":"x"}}',
      contentType: "application/json",
      retryAfter: "1",
    };
    const keyed = record({ status: 409, key: "k", code: "idempotency_key_in_use" });
    expect(checkOpResponse(keyed, view, "reject")).toEqual([]);
    const unkeyed = record({ status: 409, code: "idempotency_key_in_use" });
    expect(checkOpResponse(unkeyed, view, "reject").map((v) => v.code)).toEqual([
      "unexpected_status",
    ]);
  });
});
