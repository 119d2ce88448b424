/**
 * Every default carries the guide section it comes from, so the code, the
 * haproxy.cfg comments and the README table cite the same place.
 * Guides: 001 Loadbalancer.org Exchange 2010, 002 Kemp Exchange 2013,
 * 003 HAProxy ALOHA Exchange 2010, 004 Loadbalancer.org Exchange 2013
 * (files in the guides folder, index in its README).
 */
export interface Cited<T> {
  readonly value: T;
  /** Guide and section, e.g. `001 §11 step 1`. */
  readonly source: string;
}

export function cite<T>(value: T, source: string): Cited<T> {
  return { value, source };
}

/** The guide and section of a source, without what it says there: `003 §3.1 IMAP/POP backends`. */
export function sectionOf(source: string): string {
  const colon = source.indexOf(": ");
  return colon < 0 ? source : source.slice(0, colon);
}
