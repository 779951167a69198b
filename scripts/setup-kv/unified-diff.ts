/** @module A small unified diff (LCS, 3 lines of context) for showing config changes in --dry-run. */

type Op = { kind: " " | "-" | "+"; line: string; a: number; b: number };

function diffLines(a: string[], b: string[]): Op[] {
  // Config files are small, so the quadratic LCS table is fine and keeps this dependency-free.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j])
      ops.push({ kind: " ", line: a[i++]!, a: i, b: ++j });
    // Deletions before insertions, as diff(1) prints them.
    else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      ops.push({ kind: "-", line: a[i++]!, a: i, b: j });
    else ops.push({ kind: "+", line: b[j++]!, a: i, b: j });
  }
  return ops;
}

/** Unified diff of two texts, or "" when they are equal. */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  if (before === after) return "";
  const ops = diffLines(before.split(/\r?\n/), after.split(/\r?\n/));
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let k = 0;
  while (k < ops.length) {
    const firstChange = ops.findIndex((op, n) => n >= k && op.kind !== " ");
    if (firstChange < 0) break;
    const start = Math.max(k, firstChange - context);
    let end = firstChange;
    // Extend the hunk while the next change is within 2 * context lines.
    for (let n = firstChange; n < ops.length; n++) {
      if (ops[n]!.kind !== " ") end = n;
      else if (n - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((op) => op.kind !== "+").length;
    const bCount = hunk.filter((op) => op.kind !== "-").length;
    const aStart = hunk.find((op) => op.kind !== "+")?.a ?? hunk[0]!.a;
    const bStart = hunk.find((op) => op.kind !== "-")?.b ?? hunk[0]!.b;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    k = stop;
  }
  return out.join("\n") + "\n";
}
