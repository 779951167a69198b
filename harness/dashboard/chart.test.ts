import { describe, expect, it } from "vitest";
import { chartGeometry, niceCeil } from "./chart.js";

describe("niceCeil", () => {
  it("rounds the y axis up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.3, 1, 1.2, 3, 7, 12, 480, 520].map((v) => niceCeil(v, 0.1))).toEqual([
      0.1, 0.5, 1, 2, 5, 10, 20, 500, 1000,
    ]);
  });
});

describe("chartGeometry", () => {
  it("places points by time and value, with 0 at the bottom and the round maximum at the top", () => {
    const { yMax, paths, grid } = chartGeometry({
      series: [
        {
          name: "get",
          points: [
            { at: 0, v: 0 },
            { at: 50, v: 250 },
            { at: 100, v: 500 },
          ],
        },
      ],
      from: 0,
      to: 100,
      width: 200,
      height: 100,
    });
    expect(yMax).toBe(500);
    expect(paths).toEqual([{ name: "get", d: "M0.0,100.0L100.0,50.0L200.0,0.0" }]);
    expect(grid.map((g) => g.value)).toEqual([0, 250, 500]);
  });

  it("breaks the line at a missed poll and clamps values above a fixed maximum", () => {
    const { paths } = chartGeometry({
      series: [
        {
          name: "errors",
          points: [
            { at: 0, v: 0.5 },
            { at: 10, v: null },
            { at: 20, v: 2 },
            { at: 30, v: 1 },
          ],
        },
      ],
      from: 0,
      to: 30,
      width: 30,
      height: 10,
      yMax: 1,
    });
    expect(paths[0]!.d).toBe("M0.0,5.0M20.0,0.0L30.0,0.0");
  });
});
