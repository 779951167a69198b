import { describe, expect, it } from "vitest";
import { hasAdminBearer } from "./admin-bearer.js";

const TOKEN = "test-admin-token";

describe("hasAdminBearer", () => {
  it("accepts exactly `Bearer <token>`", async () => {
    expect(await hasAdminBearer(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it("refuses a missing header, another scheme, a bare token and a near miss", async () => {
    for (const header of [
      undefined,
      "",
      "Bearer ",
      TOKEN,
      `Bearer:${TOKEN}`,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN} `,
      `Bearer ${TOKEN.slice(0, -1)}`,
    ]) {
      expect(await hasAdminBearer(header, TOKEN), String(header)).toBe(false);
    }
  });

  it("lets nobody in when no token is configured, whatever the header says", async () => {
    for (const token of [undefined, ""]) {
      for (const header of ["Bearer undefined", "Bearer ", `Bearer ${TOKEN}`, undefined]) {
        expect(await hasAdminBearer(header, token), `${header} / ${token}`).toBe(false);
      }
    }
  });
});
