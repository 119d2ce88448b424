/** The listener ports kept out of the ephemeral range, at boot and with each delivered config. */
import { renderReservedPorts, reservedPorts } from "../../lib/delivery/reserved-ports";

test("only ports inside the ephemeral range 1024-65023 are listed, once each, in order", () => {
  expect(reservedPorts([443, 10000, 8443, 10000, 80, 65024, 1024, 65023])).toBe(
    "1024,8443,10000,65023,59531-60554",
  );
});

test("static RPC ports fall inside the reserved RPC range, so moving them needs no change", () => {
  expect(reservedPorts([135, 59531, 60200, 60201, 60554])).toBe("59531-60554");
  expect(reservedPorts([59530, 60555])).toBe("59530,60555,59531-60554");
});

test("the sysctl file sets exactly the list, with one trailing newline", () => {
  const file = renderReservedPorts([443, 10000]);
  expect(file.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([
    "net.ipv4.ip_local_reserved_ports = 10000,59531-60554",
  ]);
  expect(file.endsWith("\n") && !file.endsWith("\n\n")).toBe(true);
});
