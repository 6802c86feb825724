// Generates tests/vectors/hmac.json: the RFC 2202 (HMAC-SHA-1) and RFC 4231
// (HMAC-SHA-256/384/512) test inputs, with every expected MAC computed by
// Node's own crypto module, and the values the RFCs publish for the first
// cases checked here so a wrong input definition cannot slip through.
// Run: node tests/vectors/generate/hmac.mjs > tests/vectors/hmac.json
import { createHmac } from "node:crypto";
import assert from "node:assert/strict";

const fill = (byte, n) => Buffer.alloc(n, byte);
const text = (s) => Buffer.from(s, "utf8");
const count = (from, to) => Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => from + i));

const rfc2202 = [
  ["1", fill(0x0b, 20), text("Hi There")],
  ["2", text("Jefe"), text("what do ya want for nothing?")],
  ["3", fill(0xaa, 20), fill(0xdd, 50)],
  ["4", count(0x01, 0x19), fill(0xcd, 50)],
  ["5", fill(0x0c, 20), text("Test With Truncation")],
  ["6", fill(0xaa, 80), text("Test Using Larger Than Block-Size Key - Hash Key First")],
  ["7", fill(0xaa, 80), text("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data")],
];
const rfc4231 = [
  ["1", fill(0x0b, 20), text("Hi There")],
  ["2", text("Jefe"), text("what do ya want for nothing?")],
  ["3", fill(0xaa, 20), fill(0xdd, 50)],
  ["4", count(0x01, 0x19), fill(0xcd, 50)],
  ["5", fill(0x0c, 20), text("Test With Truncation")],
  ["6", fill(0xaa, 131), text("Test Using Larger Than Block-Size Key - Hash Key First")],
  ["7", fill(0xaa, 131), text("This is a test using a larger than block-size key and a larger than " +
    "block-size data. The key needs to be hashed before being used by the HMAC algorithm.")],
];

const mac = (alg, key, data) => createHmac(alg, key).update(data).digest();
// Published in RFC 2202 section 3 and RFC 4231 section 4.2.
assert.equal(mac("sha1", ...rfc2202[0].slice(1)).toString("hex"), "b617318655057264e28bc0b6fb378c8ef146be00");
assert.equal(mac("sha1", ...rfc2202[1].slice(1)).toString("hex"), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
assert.equal(mac("sha256", ...rfc4231[0].slice(1)).toString("hex"),
  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

const cases = [];
const add = (source, alg, [n, key, data]) => {
  const tag = mac(alg, key, data);
  cases.push({
    name: `${source} test case ${n}, hmac-${alg}`,
    input: { algorithm: alg, key_hex: key.toString("hex"), data_hex: data.toString("hex") },
    expect: { hex: tag.toString("hex"), base64: tag.toString("base64") },
  });
};
rfc2202.forEach((c) => add("RFC 2202", "sha1", c));
for (const alg of ["sha256", "sha384", "sha512"]) rfc4231.forEach((c) => add("RFC 4231", alg, c));
cases.push({ name: "refused: unknown algorithm", input: { algorithm: "md5", key_hex: "6b", data_hex: "" },
  expect: { error: "invalid_argument" } });
cases.push({ name: "refused: empty key", input: { algorithm: "sha256", key_hex: "", data_hex: "6d" },
  expect: { error: "invalid_argument" } });

process.stdout.write(JSON.stringify({ scheme: "hmac", node: process.version, cases }, null, 1) + "\n");
