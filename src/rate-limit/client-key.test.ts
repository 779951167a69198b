import { describe, expect, it } from "vitest";
import { clientKey } from "./client-key.js";

describe("clientKey", () => {
  it("keys IPv4 by address, IPv6 by its /64, IPv4-mapped IPv6 as IPv4", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("puts requests without an address together, and never trusts odd values as addresses", () => {
    expect(clientKey(undefined)).toBe("unknown");
    expect(clientKey(" ")).toBe("unknown");
    expect(clientKey("not-an-ip")).toBe("raw:not-an-ip");
    expect(clientKey("x".repeat(500))).toHaveLength(68);
  });
});
