import { gunzipSync } from "node:zlib";
import { EC2_USER_DATA_LIMIT, encodeUserData } from "../../lib/cloud-init/user-data";

/** Text that compresses poorly: a deterministic pseudo-random sequence. */
function noise(bytes: number): string {
  let x = 12345;
  let out = "";
  while (out.length < bytes) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out += x.toString(36);
  }
  return out.slice(0, bytes);
}

describe("encodeUserData", () => {
  test("keeps user-data readable when it fits, escaping Terraform templates", () => {
    expect(encodeUserData("echo ${HOME} %{x}\n")).toEqual({ userData: "echo $${HOME} %%{x}\n" });
  });

  test("a text of exactly 16384 bytes stays plain", () => {
    const text = "#".repeat(EC2_USER_DATA_LIMIT);
    expect(encodeUserData(text)).toEqual({ userData: text });
  });

  test("gzip-compresses, then base64-encodes, past 16384 bytes", () => {
    const text = `#cloud-config\n${"# line of padding\n".repeat(1000)}`;
    const encoded = encodeUserData(text);
    expect("userDataBase64" in encoded).toBe(true);
    const raw = Buffer.from((encoded as { userDataBase64: string }).userDataBase64, "base64");
    expect(raw.length).toBeLessThanOrEqual(EC2_USER_DATA_LIMIT);
    expect(gunzipSync(raw).toString("utf8")).toBe(text);
    expect(encodeUserData(text)).toEqual(encoded);
  });

  test("refuses user-data that does not fit even compressed", () => {
    expect(() => encodeUserData(noise(40000))).toThrow("over EC2's 16384-byte limit");
  });
});
