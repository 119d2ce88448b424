/**
 * The rules ARCHITECTURE.md states, held by the code's own imports: folders
 * of lib/ depend on each other in one direction (no cycle, not even through a
 * type-only import), the framework is imported in lib/framework.ts alone, the
 * pure folders never reach it, and files stay small.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import * as ts from "typescript";

const LIB = resolve(__dirname, "..", "lib");
/** Folders that turn data into data or text: no construct, no framework. */
const PURE = [
  "cloud-init",
  "config",
  "core",
  "delivery",
  "exchange",
  "fleet",
  "haproxy",
  "instance",
  "monitoring",
  "net",
  "pair",
  "review",
  "terraform",
  "tls",
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

const files = sources(LIB);

/** Every module a file names in an import or export, type-only ones included. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

/** lib-relative files a file imports. */
function localImports(file: string): string[] {
  return importsOf(file)
    .filter((name) => name.startsWith("."))
    .map((name) => relative(LIB, resolve(dirname(file), `${name}.ts`)).replace(/\/index\.ts$/, ""))
    .map((name) => (name === "" ? "index.ts" : name));
}

/** The folder of a lib-relative file; files at the top are their own "folder". */
function folderOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.indexOf("/")) : path;
}

const graph = new Map<string, Set<string>>();
for (const file of files) {
  const from = folderOf(relative(LIB, file));
  for (const to of localImports(file).map(folderOf)) {
    if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
}

/** The cycles of a graph, each as a path that returns to its start. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      if (next === path[0]) found.push([...path, next]);
      else if (!path.includes(next) && next > path[0]) visit(next, [...path, next]);
    }
  };
  for (const node of edges.keys()) visit(node, [node]);
  return found;
}

test("no cycle between the folders of lib/, type-only imports included", () => {
  expect(cycles(graph)).toEqual([]);
});

/** ARCHITECTURE.md's folder table, bottom up: a folder imports only folders before it. */
const LAYERS = [
  "framework.ts",
  "core",
  "net",
  "terraform",
  "exchange",
  "haproxy",
  "cloud-init",
  "instance",
  "tls",
  "delivery",
  "pair",
  "vips",
  "fleet",
  "monitoring",
  "config",
  "review",
  "load-balancer",
  "server-scripts",
  "cli",
  "index.ts",
];

test("each folder imports only the folders before it in ARCHITECTURE.md's table", () => {
  const architecture = readFileSync(resolve(__dirname, "..", "ARCHITECTURE.md"), "utf8");
  const tableOrder = [...architecture.matchAll(/^\| `lib\/([^`/]+)\/?` \|/gm)].map((m) => m[1]);
  expect(tableOrder).toEqual(LAYERS);
  expect(
    [...graph.keys(), ...[...graph.values()].flatMap((to) => [...to])].every((f) =>
      LAYERS.includes(f),
    ),
  ).toBe(true);
  const upward = [...graph].flatMap(([from, tos]) =>
    [...tos]
      .filter((to) => LAYERS.indexOf(to) > LAYERS.indexOf(from))
      .map((to) => `${from} -> ${to}`),
  );
  expect(upward).toEqual([]);
});

test("no cycle between files", () => {
  const fileGraph = new Map(
    files.map((file) => [relative(LIB, file), new Set(localImports(file))] as const),
  );
  expect(cycles(fileGraph)).toEqual([]);
});

test("the cycle check finds a cycle", () => {
  const edges = new Map([
    ["a", new Set(["b"])],
    ["b", new Set(["c"])],
    ["c", new Set(["a"])],
  ]);
  expect(cycles(edges)).toEqual([["a", "b", "c", "a"]]);
});

test("the framework and the AWS provider are imported in lib/framework.ts alone", () => {
  const framework = /^(constructs|cdktf|cdktn|@cdktf\/|@cdktn\/)/;
  const importers = files
    .filter((file) => importsOf(file).some((name) => framework.test(name)))
    .map((file) => relative(LIB, file));
  expect(importers).toEqual(["framework.ts"]);
});

test("the pure folders never reach lib/framework.ts, directly or through another file", () => {
  const reaches = (start: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (file === "framework.ts") return true;
      if (seen.has(file)) continue;
      seen.add(file);
      stack.push(...localImports(join(LIB, file)));
    }
    return false;
  };
  const impure = files
    .map((file) => relative(LIB, file))
    .filter((file) => PURE.includes(folderOf(file)) && reaches(file));
  expect(impure).toEqual([]);
});

test("no file of lib/ is over 250 lines, and no function or method over 50", () => {
  const long: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const name = relative(LIB, file);
    if (text.split("\n").length > 251) long.push(`${name}: ${text.split("\n").length} lines`);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const lines =
          source.getLineAndCharacterOfPosition(node.body.getEnd()).line -
          source.getLineAndCharacterOfPosition(node.body.getStart()).line;
        if (lines > 50)
          long.push(
            `${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${lines} lines`,
          );
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  expect(long).toEqual([]);
});
