import { formatCidr, formatIpv4, isIpv4, parseCidr, parseIpv4 } from "../../lib/net/ipv4";

describe("IPv4 addresses", () => {
  test.each(["0.0.0.0", "192.168.30.10", "255.255.255.255", "10.0.0.1"])(
    "%s round-trips",
    (text) => {
      expect(formatIpv4(parseIpv4(text)!)).toBe(text);
    },
  );

  test.each(["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", " 1.2.3.4", "1.2.3.-4"])(
    "%j is not an address",
    (text) => {
      expect(isIpv4(text)).toBe(false);
    },
  );
});

describe("CIDR blocks", () => {
  test("parses an aligned block", () => {
    expect(parseCidr("192.168.0.0/16")).toEqual({ base: parseIpv4("192.168.0.0"), prefix: 16 });
    expect(formatCidr(parseCidr("10.1.0.0/24") as never)).toBe("10.1.0.0/24");
    expect(parseCidr("0.0.0.0/0")).toEqual({ base: 0, prefix: 0 });
  });

  test("names the aligned block when host bits are set", () => {
    expect(parseCidr("10.0.0.1/24")).toBe(
      '"10.0.0.1/24" has host bits set; the block is 10.0.0.0/24',
    );
  });

  test.each([
    ["10.0.0.0/33", "prefix /33"],
    ["10.0.0/8", "not an IPv4 address"],
    ["10.0.0.0", "not a CIDR block"],
    ["10.0.0.0/x", "not a CIDR block"],
  ])("%s is refused (%s)", (text, reason) => {
    expect(parseCidr(text)).toContain(reason);
  });
});
