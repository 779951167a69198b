/**
 * @module scripts/ci/node-proxies
 * Finds uses of Miniflare's Node-side binding proxies (`getKVNamespace`, `getR2Bucket`,
 * `getBindings`, `getWorker`, ...) in the repository's code. They fail at random under load
 * (`SynchronousFetcher`, "false == true"; workers-sdk PR #15552), so tests reach workerd with
 * `dispatchFetch` instead. The names come from the installed Miniflare's own declarations, so a
 * proxy added in a later release is caught too; a use is found in the syntax tree (property
 * access, `["name"]`, destructuring), so prose in comments and docs does not count.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** `Miniflare` getters that return data, not a binding proxy. */
const NOT_PROXIES = new Set(["getCf", "getInspectorURL"]);

const CODE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

export interface ProxyUse {
  file: string;
  line: number;
  name: string;
}

/** The `get*` methods of the `Miniflare` class in the installed declarations. */
export function proxyGetters(root: string): Set<string> {
  const file = path.join(root, "node_modules/miniflare/dist/src/index.d.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name?.text !== "Miniflare") continue;
    for (const member of statement.members) {
      if (!ts.isMethodDeclaration(member) || !member.name || !ts.isIdentifier(member.name))
        continue;
      const name = member.name.text;
      if (name.startsWith("get") && !NOT_PROXIES.has(name)) names.add(name);
    }
  }
  return names;
}

/** Uses of `names` in one file's code. */
export function findProxyUses(file: string, text: string, names: Set<string>): ProxyUse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const uses: ProxyUse[] = [];
  const report = (node: ts.Node, name: string) => {
    if (!names.has(name)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    uses.push({ file, line, name });
  };
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node)) report(node.name, node.name.text);
    else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))
      report(node.argumentExpression, node.argumentExpression.text);
    else if (ts.isBindingElement(node)) {
      const key = node.propertyName ?? node.name;
      if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) report(key, key.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/** Every use in the repository's code files (tracked, or new and not ignored). */
export function scanRepository(root: string): ProxyUse[] {
  const listed = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const names = proxyGetters(root);
  return listed
    .split("\0")
    .filter((file) => CODE.test(file))
    .flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(path.join(root, file), "utf8");
      } catch {
        return []; // Deleted in the work tree but not yet in the index.
      }
      return findProxyUses(file, text, names);
    });
}
