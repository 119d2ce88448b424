/**
 * A construct id part from a value, so that ids derive from values and never
 * from list positions: `10.0.1.5` -> `10_0_1_5`, `10.0.0.0/16` -> `10_0_0_0_16`.
 */
export function idPart(value: string): string {
  return value.replace(/[./]/g, "_");
}
