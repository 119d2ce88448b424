import fc from "fast-check";
import { cidrRange, formatIpv4, parseIpv4 } from "../../lib/net/ipv4";
import { AddressRange, parseSource, rangeToCidrs, sourceToCidrs } from "../../lib/net/source-range";

const ip = (text: string) => parseIpv4(text)!;

describe("allowed sources as the guides write them", () => {
  test("a single smart host (001 appendix 2, example 1)", () => {
    expect(sourceToCidrs("192.168.30.50")).toEqual(["192.168.30.50/32"]);
  });

  test("the short range form 192.168.30.50-60 (001 appendix 2, example 2)", () => {
    expect(sourceToCidrs("192.168.30.50-60")).toEqual([
      "192.168.30.50/31",
      "192.168.30.52/30",
      "192.168.30.56/30",
      "192.168.30.60/32",
    ]);
  });

  test("the full range form gives the same cover (004 appendix 2)", () => {
    expect(sourceToCidrs("192.168.30.50-192.168.30.60")).toEqual(sourceToCidrs("192.168.30.50-60"));
  });

  test("a CIDR block stays one block", () => {
    expect(sourceToCidrs("10.1.0.0/24")).toEqual(["10.1.0.0/24"]);
  });

  test("an aligned range collapses to one block", () => {
    expect(sourceToCidrs("10.0.0.0-10.0.255.255")).toEqual(["10.0.0.0/16"]);
    expect(sourceToCidrs("0.0.0.0-255.255.255.255")).toEqual(["0.0.0.0/0"]);
  });

  test.each([
    ["192.168.30.60-50", "starts after it ends"],
    ["192.168.30.60-192.168.30.50", "starts after it ends"],
    ["192.168.30.50-256", "range end"],
    ["192.168.30-60", "range start"],
    ["192.168.30.50-", "range end"],
    ["mailhost", "not an IPv4 address, CIDR block or range"],
    ["10.0.0.1/24", "host bits set"],
  ])("%s is refused: %s", (text, reason) => {
    const parsed = parseSource(text);
    expect(typeof parsed).toBe("string");
    expect(parsed).toContain(reason);
  });
});

/**
 * Independent oracle: walk the prefix tree from 0.0.0.0/0; a block wholly inside
 * the range is taken, a block wholly outside is skipped, anything else splits.
 * The taken blocks are the unique minimal cover.
 */
function treeCover(range: AddressRange, base = 0, prefix = 0): string[] {
  const last = base + 2 ** (32 - prefix) - 1;
  if (last < range.first || base > range.last) return [];
  if (base >= range.first && last <= range.last) return [`${formatIpv4(base)}/${prefix}`];
  const half = 2 ** (31 - prefix);
  return [...treeCover(range, base, prefix + 1), ...treeCover(range, base + half, prefix + 1)];
}

const rangeArb = fc
  .tuple(fc.nat({ max: 2 ** 32 - 1 }), fc.nat({ max: 2 ** 32 - 1 }))
  .map(([a, b]): AddressRange => ({ first: Math.min(a, b), last: Math.max(a, b) }));
const smallRangeArb = fc
  .tuple(fc.nat({ max: 2 ** 32 - 1 }), fc.nat({ max: 4096 }))
  .map(([a, len]): AddressRange => ({ first: a, last: Math.min(a + len, 2 ** 32 - 1) }));

describe("range to CIDR cover (property)", () => {
  test("covers exactly the range: contiguous, aligned, first to last", () => {
    fc.assert(
      fc.property(fc.oneof(rangeArb, smallRangeArb), (range) => {
        const blocks = rangeToCidrs(range);
        let next = range.first;
        for (const block of blocks) {
          const { first, last } = cidrRange(block);
          expect(block.base % 2 ** (32 - block.prefix)).toBe(0);
          expect(first).toBe(next);
          next = last + 1;
        }
        expect(next - 1).toBe(range.last);
      }),
      { numRuns: 2000 },
    );
  });

  test("is minimal: equals the prefix-tree cover", () => {
    fc.assert(
      fc.property(fc.oneof(rangeArb, smallRangeArb), (range) => {
        const blocks = rangeToCidrs(range).map((b) => `${formatIpv4(b.base)}/${b.prefix}`);
        expect(blocks).toEqual(treeCover(range));
        // A range never needs more than 62 blocks (two per prefix length below /0).
        expect(blocks.length).toBeLessThanOrEqual(62);
      }),
      { numRuns: 2000 },
    );
  });

  test("the worst case: 0.0.0.1-255.255.255.254 needs 62 blocks", () => {
    expect(rangeToCidrs({ first: 1, last: ip("255.255.255.254") })).toHaveLength(62);
  });
});
