/**
 * A deep, frozen copy of plain data (objects and arrays), so that a value a
 * user passed in and changes later cannot change what was checked and
 * described. Class instances (`Duration`, `Persistence`, `TlsCertificate`)
 * are immutable already and kept as they are.
 */
export function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (value !== null && typeof value === "object") {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    const copy = Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, frozenCopy(inner)]),
    );
    return Object.freeze(copy) as T;
  }
  return value;
}
