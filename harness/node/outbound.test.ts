import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { Outbound } from "./outbound.js";

describe("Outbound", () => {
  it("answers from the matching handler and refuses unmatched requests with a 502", async () => {
    const outbound = new Outbound([
      http.get("https://img.example/a.png", () => HttpResponse.text("png")),
    ]);
    expect(await (await outbound.handle(new Request("https://img.example/a.png"))).text()).toBe(
      "png",
    );
    const miss = await outbound.handle(new Request("https://elsewhere.example/"));
    expect(miss.status).toBe(502);
    expect(await miss.text()).toContain("no msw handler for GET https://elsewhere.example/");
  });

  it("swaps handlers at runtime", async () => {
    const outbound = new Outbound();
    outbound.use([http.get("https://img.example/b", () => HttpResponse.text("b"))]);
    expect((await outbound.handle(new Request("https://img.example/b"))).status).toBe(200);
  });
});
