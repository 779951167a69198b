/**
 * @module harness/dashboard/chart
 * Small line charts drawn as inline SVG: `chartGeometry` does the maths (pure, tested), and
 * `renderChart` turns it into elements. Presentation attributes only, so the page's CSP holds.
 */

const SVG = "http://www.w3.org/2000/svg";

/**
 * The smallest of 1, 2, 5 × 10^k at or above `value` (at least `min`).
 * @type {typeof import("./chart.js").niceCeil}
 */
export function niceCeil(value, min = 1) {
  const v = Math.max(value, min);
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 5].find((m) => m * magnitude >= v - 1e-9) ?? 10;
  return step * magnitude;
}

/**
 * Paths for series of `{ at, v }` points over the time range `from..to`. A `null` value breaks
 * the line (a missed poll). The y axis starts at 0 and ends at a round number.
 * @example chartGeometry({ series: [{ name: "get", points }], from, to, width: 320, height: 120 })
 * @type {typeof import("./chart.js").chartGeometry}
 */
export function chartGeometry({ series, from, to, width, height, yMax, minYMax = 1 }) {
  const values = series.flatMap((s) => s.points.map((p) => p.v)).filter((v) => v !== null);
  const top = yMax ?? niceCeil(Math.max(0, ...values), minYMax);
  const span = Math.max(1, to - from);
  const x = (/** @type {number} */ at) => ((at - from) / span) * width;
  const y = (/** @type {number} */ v) => height - (Math.min(v, top) / top) * height;
  const paths = series.map((s) => {
    let d = "";
    let pen = "M";
    for (const p of s.points) {
      if (p.v === null) {
        pen = "M";
        continue;
      }
      d += `${pen}${x(p.at).toFixed(1)},${y(p.v).toFixed(1)}`;
      pen = "L";
    }
    return { name: s.name, d };
  });
  const grid = [0, 0.5, 1].map((f) => ({ y: height - f * height, value: f * top }));
  return { yMax: top, paths, grid };
}

/**
 * Replace `container`'s content with an SVG chart of `geometry`.
 * @type {typeof import("./chart.js").renderChart}
 */
export function renderChart(container, geometry, { width, height, colors, label, formatY }) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `-44 -8 ${width + 52} ${height + 16}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  for (const line of geometry.grid) {
    const rule = document.createElementNS(SVG, "line");
    for (const [k, v] of Object.entries({ x1: 0, x2: width, y1: line.y, y2: line.y })) {
      rule.setAttribute(k, String(v));
    }
    rule.setAttribute("class", "grid");
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", "-6");
    text.setAttribute("y", String(line.y + 4));
    text.setAttribute("text-anchor", "end");
    text.setAttribute("class", "axis");
    text.textContent = formatY(line.value);
    svg.append(rule, text);
  }
  geometry.paths.forEach((path, i) => {
    const el = document.createElementNS(SVG, "path");
    el.setAttribute("d", path.d);
    el.setAttribute("fill", "none");
    el.setAttribute("stroke", colors[i % colors.length] ?? "currentColor");
    el.setAttribute("stroke-width", "2");
    el.setAttribute("vector-effect", "non-scaling-stroke");
    el.setAttribute("stroke-linejoin", "round");
    svg.append(el);
  });
  container.replaceChildren(svg);
}
