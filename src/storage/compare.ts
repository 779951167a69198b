/**
 * @module storage/compare
 * KV orders keys by their UTF-8 bytes; JavaScript compares UTF-16 code units. This compares bytes.
 */
const encoder = new TextEncoder();

export function compareKeys(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}
