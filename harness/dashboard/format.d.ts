/** Types for format.js (the page loads the .js file as is; tests import it through these). */
export declare function formatDateTime(ms: number): string;
export declare function formatDuration(ms: number): string;
export declare function timeLeft(
  expirationSeconds: number | null | undefined,
  nowMs: number,
): { expired: boolean; text: string; ms: number };
export declare function formatMs(ms: number): string;
export declare function formatPercent(rate: number): string;
