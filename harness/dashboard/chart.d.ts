/** Types for chart.js (the page loads the .js file as is; tests import it through these). */
export interface ChartSeries {
  name: string;
  points: { at: number; v: number | null }[];
}
export interface ChartGeometry {
  yMax: number;
  paths: { name: string; d: string }[];
  grid: { y: number; value: number }[];
}
export declare function niceCeil(value: number, min?: number): number;
export declare function chartGeometry(options: {
  series: ChartSeries[];
  from: number;
  to: number;
  width: number;
  height: number;
  yMax?: number;
  minYMax?: number;
}): ChartGeometry;
export declare function renderChart(
  container: { replaceChildren(chart: unknown): void },
  geometry: ChartGeometry,
  options: {
    width: number;
    height: number;
    colors: string[];
    label: string;
    formatY: (v: number) => string;
  },
): void;
