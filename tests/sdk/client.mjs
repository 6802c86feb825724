// Requests signed the way the official Node SDKs sign (PROVIDERS.md),
// written here from their documented behaviour, not copied:
// - OnchainPay: payload.nonce = a counter that starts at the client's
//   creation time (Date.now()) and increases per request; body =
//   JSON.stringify(payload); x-api-public-key, x-api-signature (hex
//   HMAC-SHA256 of the body).
// - Cryptopay: Date = new Date().toUTCString(); Authorization
//   `HMAC key:base64 HMAC-SHA1(METHOD\nmd5(body)\nContent-Type\nDate\npath)`.
// Each response is parsed as the SDK parses it, and reported as one JSON
// line: {"step", "status", "request_id", "body"}.
//
// Usage: node client.mjs BASE_URL SCHEME KEY SECRET

import crypto from "node:crypto";

const [base, scheme, key, secret] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function send(step, method, path, headers, body) {
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  console.log(JSON.stringify({ step, status: res.status, request_id: res.headers.get("x-request-id"), body: parsed }));
}

class OnchainPayClient {
  constructor(publicKey, privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.nonce = Date.now();
  }
  sign(payload) {
    const p = { ...payload, nonce: this.nonce++ };
    const body = JSON.stringify(p);
    const signature = crypto.createHmac("sha256", this.privateKey).update(body).digest("hex");
    return { headers: { "Content-Type": "application/json", "x-api-public-key": this.publicKey, "x-api-signature": signature }, body };
  }
}

function cryptopaySign(method, path, body, contentType = "application/json") {
  const date = new Date().toUTCString();
  const md5 = body ? crypto.createHash("md5").update(body).digest("hex") : "";
  const signature = crypto.createHmac("sha1", secret).update([method, md5, contentType, date, path].join("\n")).digest("base64");
  return { Authorization: `HMAC ${key}:${signature}`, "Content-Type": contentType, Date: date };
}

if (scheme === "onchainpay") {
  const client = new OnchainPayClient(key, secret);
  const rate = client.sign({ from: "ETH", to: "USDT", note: "café & <b>" });
  await send("price-rate", "POST", "/price-rate", rate.headers, rate.body);
  await send("resend", "POST", "/price-rate", rate.headers, rate.body);
  // Two clients on one key, each counting from its own start: B started
  // later, so A's next nonce is lower than B's last.
  const a = new OnchainPayClient(key, secret);
  await sleep(30);
  const b = new OnchainPayClient(key, secret);
  for (const [step, c] of [["client-a-1", a], ["client-b-1", b], ["client-a-2", a], ["client-b-2", b]]) {
    const signed = c.sign({ from: "BTC", to: "USDT" });
    await send(step, "POST", "/price-rate", signed.headers, signed.body);
  }
} else if (scheme === "cryptopay") {
  const body = JSON.stringify({ price_amount: "100.0", price_currency: "EUR", pay_currency: "BTC", success_redirect_url: "https://shop.example/thanks" });
  await send("invoice", "POST", "/api/invoices", cryptopaySign("POST", "/api/invoices", body), body);
  const list = "/api/invoices?starting_after=7a8b&limit=2";
  await send("list", "GET", list, cryptopaySign("GET", list, null));
} else {
  throw new Error(`no ${scheme} client here`);
}
