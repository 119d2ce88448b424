/** Anything with a construct path: a construct, or its path as text. */
export type Scope = { readonly node: { readonly path: string } } | string;

/**
 * Throws at synth time with the construct path, what is wrong and how to fix
 * it, before anything is written. A path string serves a construct that is
 * refused before it exists.
 */
export function fail(scope: Scope, problem: string, fix: string): never {
  const path = typeof scope === "string" ? scope : scope.node.path;
  throw new Error(`${path}: ${problem}. Fix: ${fix}`);
}
