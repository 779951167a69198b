/**
 * The dev server (which mounts the control API) listens on 127.0.0.1 unless told otherwise, and
 * warns when told otherwise. Nothing here binds a non-loopback address.
 */
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { parseDevArgs } from "../../cli/dev-options.js";
import { startDevSession } from "../../cli/dev-session.js";
import { startDevServer } from "../../harness/server/dev-server.js";
import type { Harness } from "../../harness/types.js";

/** The dev server only reads `options.isolates` until a request arrives. */
const idleHarness = { options: { isolates: 1, profile: "miniflare", plugin: {} } } as Harness;

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("dev server address", () => {
  it("defaults to 127.0.0.1", () => {
    expect(parseDevArgs([])!.host).toBe("127.0.0.1");
  });

  it("listens on loopback only by default", async () => {
    const server = await startDevServer({ harness: idleHarness, port: 0 });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(await reachable("127.0.0.1", server.port)).toBe(true);
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === "IPv4" && !a.internal);
      if (external) expect(await reachable(external.address, server.port)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("warns before starting on a non-loopback --host", async () => {
    const warnings: string[] = [];
    const print = { info: () => {}, warn: (line: string) => warnings.push(line) };
    // isolates 0 makes the harness refuse to boot right after the warning: nothing is bound.
    const options = { ...parseDevArgs(["--host", "0.0.0.0", "--port", "0"])!, isolates: 0 };
    await expect(startDevSession(options, print)).rejects.toThrow(/isolates/);
    expect(warnings.join("\n")).toMatch(/0\.0\.0\.0 is not a loopback address/);

    const quiet: string[] = [];
    const loopback = { ...parseDevArgs(["--port", "0"])!, isolates: 0 };
    await expect(
      startDevSession(loopback, { info: () => {}, warn: (l) => quiet.push(l) }),
    ).rejects.toThrow();
    expect(quiet).toEqual([]);
  });
});
