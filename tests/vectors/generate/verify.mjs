// Writes tests/vectors/verify.json: verification cases for every scheme.
//
// Valid requests are signed here with the providers' documented Node.js
// code (the `crypto` module), never by paysig; refused requests are
// mutations of them. Deterministic: fixed keys, clocks and nonces.
//
// Usage: node tests/vectors/generate/verify.mjs [OUT]  (default: ../verify.json)

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? path.join(here, "..", "verify.json");

const NOW = 1700000000000; // 2023-11-14T22:13:20Z
const cases = [];

function add(name, input, expect) {
  if (cases.some((c) => c.name === name)) throw new Error(`duplicate case ${name}`);
  cases.push({ name, input, expect });
}

const refused = (error, status, message) => ({ error, status, message });

// ---- request mutations --------------------------------------------------

const clone = (request) => JSON.parse(JSON.stringify(request));

function withHeader(request, name, value) {
  const r = clone(request);
  const i = r.headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
  if (i < 0) r.headers.push([name, value]);
  else r.headers[i][1] = value;
  return r;
}

function withoutHeader(request, name) {
  const r = clone(request);
  r.headers = r.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  return r;
}

function duplicated(request, name) {
  const r = clone(request);
  const found = r.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
  r.headers.push([found[0], found[1]]);
  return r;
}

const withBody = (request, body) => ({ ...clone(request), body });
const withPath = (request, p) => ({ ...clone(request), path: p });
const withMethod = (request, method) => ({ ...clone(request), method });
const header = (request, name) =>
  request.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())[1];

// ---- Cryptopay (HMAC-SHA1 over five lines, Authorization: HMAC key:sig) --

function cryptopay({ apiKey, secret, method, path: p, contentType, date, body }) {
  // "do not hash an empty string": no MD5 when there is no body.
  const md5 = body ? crypto.createHash("md5").update(body).digest("hex") : "";
  const stringToSign = [method, md5, contentType, date, p].join("\n");
  const signature = crypto.createHmac("sha1", secret).update(stringToSign).digest("base64");
  return {
    method,
    path: p,
    headers: [
      ["Authorization", `HMAC ${apiKey}:${signature}`],
      ["Content-Type", contentType],
      ["Date", date],
    ],
    body: body ?? null,
  };
}

{
  // The check Cryptopay publishes.
  const published = cryptopay({
    apiKey: "D-bPmbbm8mGxRAg5MyXyqg",
    secret: "Oe8TBDzg4tatdq2cL9ojeEj3U3oWSCSC5fqOHAqaKVg",
    method: "POST",
    path: "/api/auth/test",
    contentType: "application/json",
    date: "2019-01-09T11:24:40+00:00",
    body: '{"amount":"100"}',
  });
  if (!header(published, "Authorization").endsWith(":fVYzUdYqZO1ozBeP3KQHFp9/Kno=")) {
    throw new Error("the published Cryptopay check does not reproduce");
  }
  add(
    "cryptopay: the published check (ISO-8601 Date)",
    {
      scheme: "cryptopay",
      keys: { "D-bPmbbm8mGxRAg5MyXyqg": ["Oe8TBDzg4tatdq2cL9ojeEj3U3oWSCSC5fqOHAqaKVg"] },
      now_ms: Date.parse("2019-01-09T11:24:40+00:00") + 5000,
      requests: [published],
    },
    { key_id: "D-bPmbbm8mGxRAg5MyXyqg" },
  );

  const keys = { "cp-key": ["cp-secret"] };
  const base = (requests, extra = {}) => ({ scheme: "cryptopay", keys, now_ms: NOW, ...extra, requests });
  const post = cryptopay({
    apiKey: "cp-key",
    secret: "cp-secret",
    method: "POST",
    path: "/api/invoices",
    contentType: "application/json",
    date: new Date(NOW - 60_000).toUTCString(),
    body: '{"price_amount":"100.0","price_currency":"EUR","pay_currency":"BTC"}',
  });
  const get = cryptopay({
    apiKey: "cp-key",
    secret: "cp-secret",
    method: "GET",
    path: "/api/invoices?starting_after=7a8b&limit=2",
    contentType: "application/json",
    date: new Date(NOW + 60_000).toUTCString(),
    body: null,
  });
  const unauthenticated = (code) => refused(code, 401, "unauthenticated");

  add("cryptopay: POST with a JSON body", base([post]), { key_id: "cp-key" });
  add("cryptopay: GET, no body, query string signed", base([get]), { key_id: "cp-key" });
  add(
    "cryptopay: header names in any case",
    base([{ ...get, headers: get.headers.map(([n, v]) => [n.toLowerCase(), v]) }]),
    { key_id: "cp-key" },
  );
  add(
    "cryptopay: rotation, the older secret still verifies",
    {
      ...base([
        cryptopay({
          apiKey: "cp-key", secret: "cp-old-secret", method: "DELETE", path: "/api/x/1",
          contentType: "application/json", date: new Date(NOW).toUTCString(), body: null,
        }),
      ]),
      keys: { "cp-key": ["cp-secret", "cp-old-secret"] },
    },
    { key_id: "cp-key" },
  );
  add(
    "cryptopay: a replay is accepted while the Date is in the window",
    base([post, post]),
    { key_id: "cp-key" },
  );
  add("cryptopay: no Authorization", base([withoutHeader(post, "Authorization")]),
    unauthenticated("missing_header"));
  add("cryptopay: no Date", base([withoutHeader(post, "Date")]), unauthenticated("missing_header"));
  add("cryptopay: Authorization is not HMAC key:signature",
    base([withHeader(post, "Authorization", "Bearer cp-key")]), unauthenticated("malformed_header"));
  add("cryptopay: Authorization without a signature",
    base([withHeader(post, "Authorization", "HMAC cp-key")]), unauthenticated("malformed_header"));
  add("cryptopay: Date header twice", base([duplicated(post, "Date")]),
    unauthenticated("malformed_header"));
  add(
    "cryptopay: a signed Date that is not a date",
    base([cryptopay({
      apiKey: "cp-key", secret: "cp-secret", method: "GET", path: "/api/rates",
      contentType: "application/json", date: "yesterday", body: null,
    })]),
    unauthenticated("malformed_header"),
  );
  add(
    "cryptopay: unknown API key",
    base([cryptopay({
      apiKey: "other-key", secret: "cp-secret", method: "POST", path: "/api/invoices",
      contentType: "application/json", date: new Date(NOW).toUTCString(), body: "{}",
    })]),
    unauthenticated("invalid_api_key"),
  );
  add("cryptopay: tampered body",
    base([withBody(post, post.body.replace("100.0", "900.0"))]), unauthenticated("invalid_signature"));
  add("cryptopay: tampered path", base([withPath(get, "/api/invoices?starting_after=7a8c&limit=2")]),
    unauthenticated("invalid_signature"));
  add("cryptopay: another method", base([withMethod(post, "PUT")]), unauthenticated("invalid_signature"));
  add("cryptopay: another Content-Type",
    base([withHeader(post, "Content-Type", "application/json; charset=utf-8")]),
    unauthenticated("invalid_signature"));
  add("cryptopay: another Date", base([withHeader(post, "Date", new Date(NOW).toUTCString())]),
    unauthenticated("invalid_signature"));
  add("cryptopay: signature that is not base64",
    base([withHeader(post, "Authorization", "HMAC cp-key:!!!")]), unauthenticated("invalid_signature"));
  const at = (ms) => cryptopay({
    apiKey: "cp-key", secret: "cp-secret", method: "GET", path: "/api/accounts",
    contentType: "application/json", date: new Date(ms).toUTCString(), body: null,
  });
  add("cryptopay: Date 15 minutes old, the edge", base([at(NOW - 900_000)]), { key_id: "cp-key" });
  add("cryptopay: Date 16 minutes old", base([at(NOW - 960_000)]), unauthenticated("timestamp_expired"));
  add("cryptopay: Date 16 minutes ahead", base([at(NOW + 960_000)]), unauthenticated("ahead_of_time"));
  add("cryptopay: Date 2 minutes old, 1 minute tolerance",
    base([at(NOW - 120_000)], { tolerance_ms: 60_000 }), unauthenticated("timestamp_expired"));

  // The Date forms the official clients send (PROVIDERS.md), built here as
  // those clients build them, and judged by the instant they denote.
  const pad = (n) => String(n).padStart(2, "0");
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  // PHP's gmdate(DATE_RFC2822): "D, d M Y H:i:s O" in UTC, zone +0000.
  const phpRfc2822 = (ms) => {
    const d = new Date(ms);
    return `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  };
  // RFC 2822 in another zone: the local time there and its offset.
  const zoned = (ms, minutes, zone) => phpRfc2822(ms + minutes * 60_000).replace("+0000", zone);
  // Java's ISO-8601 with an offset, as the docs' sample sends it.
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
  const dated = (date) => cryptopay({
    apiKey: "cp-key", secret: "cp-secret", method: "POST", path: "/api/invoices",
    contentType: "application/json", date, body: '{"price_amount":"100","price_currency":"EUR"}',
  });
  for (const [form, date] of [
    ["RFC 2822, numeric zone (PHP SDK gmdate(DATE_RFC2822))", phpRfc2822(NOW - 30_000)],
    ["RFC 2822, +0100", zoned(NOW - 30_000, 60, "+0100")],
    ["RFC 2822, -0530", zoned(NOW - 30_000, -330, "-0530")],
    ["RFC 2822, named zone EST", zoned(NOW - 30_000, -300, "EST")],
    ["ISO-8601 with an offset (Java sample)", iso(NOW - 30_000)],
    ["ISO-8601, Z and milliseconds", new Date(NOW - 30_123).toISOString()],
  ]) {
    if (Math.abs(Date.parse(date) - (NOW - 30_000)) > 1000) throw new Error(`${form}: ${date}`);
    add(`cryptopay: Date as ${form}`, base([dated(date)]), { key_id: "cp-key" });
  }
  add("cryptopay: RFC 2822 Date 16 minutes old", base([dated(phpRfc2822(NOW - 960_000))]),
    unauthenticated("timestamp_expired"));
  add("cryptopay: RFC 2822 Date, +0100, 16 minutes ahead", base([dated(zoned(NOW + 960_000, 60, "+0100"))]),
    unauthenticated("ahead_of_time"));
  add("cryptopay: ISO-8601 Date without an offset names no instant",
    base([dated(new Date(NOW).toISOString().slice(0, 19))]), unauthenticated("malformed_header"));
}

// ---- Cryptopay callbacks (hex HMAC-SHA256 of the raw body) ----------------

{
  const body = '{"type":"Invoice","event":"status_changed","data":{"id":"7a8b","status":"paid"}}';
  const sign = (secret, b) => crypto.createHmac("sha256", secret).update(b).digest("hex");
  const callback = (secret, b = body) => ({
    method: "POST",
    path: "/webhooks/cryptopay",
    headers: [
      ["Content-Type", "application/json"],
      ["X-Cryptopay-Signature", sign(secret, b)],
    ],
    body: b,
  });
  const base = (requests, keys = { merchant: ["cb-secret"] }) => ({
    scheme: "cryptopay-callback", keys, now_ms: NOW, requests,
  });
  const valid = callback("cb-secret");
  add("cryptopay-callback: valid", base([valid]), { key_id: "merchant" });
  add("cryptopay-callback: upper-case hex",
    base([withHeader(valid, "X-Cryptopay-Signature", header(valid, "X-Cryptopay-Signature").toUpperCase())]),
    { key_id: "merchant" });
  add("cryptopay-callback: rotation", base([callback("cb-old")], { merchant: ["cb-secret", "cb-old"] }),
    { key_id: "merchant" });
  add("cryptopay-callback: the entry whose secret signed it",
    base([callback("cb-b")], { a: ["cb-a"], b: ["cb-b"] }), { key_id: "b" });
  add("cryptopay-callback: no signature header", base([withoutHeader(valid, "X-Cryptopay-Signature")]),
    refused("missing_header", 401));
  add("cryptopay-callback: signature header twice", base([duplicated(valid, "X-Cryptopay-Signature")]),
    refused("malformed_header", 401));
  add("cryptopay-callback: tampered body", base([withBody(valid, body.replace("paid", "void"))]),
    refused("invalid_signature", 401));
  add("cryptopay-callback: the raw bytes count, not the JSON value",
    base([withBody(valid, JSON.stringify(JSON.parse(body), null, 1))]), refused("invalid_signature", 401));
  add("cryptopay-callback: another secret", base([callback("not-the-secret")]),
    refused("invalid_signature", 401));
}

// ---- Aquapay (Aquanow's documented code) ----------------------------------

function aquapay({ apiKey, apiSecret, httpMethod, path: p, nonce, query = "" }) {
  const signatureContent = JSON.stringify({ httpMethod, path: p, nonce });
  const sig = crypto.createHmac("sha384", apiSecret).update(signatureContent).digest("hex");
  return {
    method: httpMethod,
    path: p + query,
    headers: [
      ["x-nonce", nonce],
      ["x-api-key", apiKey],
      ["x-signature", sig],
    ],
    body: httpMethod === "POST" ? '{"cryptoType":"BTC","fiat":"CAD","fiatReceivable":5}' : null,
  };
}

{
  const keys = { "aq-key": ["aq-secret"], "aq-key-2": ["aq-secret-2"] };
  const base = (requests, extra = {}) => ({ scheme: "aquapay", keys, now_ms: NOW, ...extra, requests });
  const sign = (over) => aquapay({
    apiKey: "aq-key", apiSecret: "aq-secret", httpMethod: "POST",
    path: "/payment/v1/requestPaymentAddress", nonce: String(NOW - 1000), ...over,
  });
  const valid = sign({});
  const get = sign({
    httpMethod: "GET", path: "/payment/v1/payment", nonce: String(NOW - 2000),
    query: "?startTime=1628654316000&endTime=1628654346000",
  });
  const invalid = (code, message) => refused(code, 401, message);
  add("aquapay: POST", base([valid]), { key_id: "aq-key" });
  add("aquapay: GET, the query string is not signed", base([get]), { key_id: "aq-key" });
  add("aquapay: upper-case hex",
    base([withHeader(valid, "x-signature", header(valid, "x-signature").toUpperCase())]), { key_id: "aq-key" });
  add("aquapay: rotation",
    { ...base([sign({ apiSecret: "aq-older" })]), keys: { "aq-key": ["aq-secret", "aq-older"] } },
    { key_id: "aq-key" });
  add("aquapay: two requests with increasing nonces",
    base([valid, sign({ nonce: String(NOW - 500) })]), { key_id: "aq-key" });
  add("aquapay: the same nonce under another key is another nonce",
    base([valid, sign({ apiKey: "aq-key-2", apiSecret: "aq-secret-2" })]), { key_id: "aq-key-2" });
  for (const name of ["x-nonce", "x-api-key", "x-signature"]) {
    add(`aquapay: no ${name}`, base([withoutHeader(valid, name)]),
      invalid("missing_header", `Missing ${name} header`));
  }
  add("aquapay: x-nonce twice", base([duplicated(valid, "x-nonce")]),
    invalid("malformed_header", "Duplicate x-nonce header"));
  add("aquapay: unknown API key", base([sign({ apiKey: "nobody" })]),
    invalid("invalid_api_key", "Invalid API key"));
  add("aquapay: tampered path", base([withPath(valid, "/payment/v1/withdraw")]),
    invalid("invalid_signature", "Invalid signature"));
  add("aquapay: another method", base([withMethod(valid, "PUT")]),
    invalid("invalid_signature", "Invalid signature"));
  add("aquapay: another nonce than signed", base([withHeader(valid, "x-nonce", String(NOW))]),
    invalid("invalid_signature", "Invalid signature"));
  add("aquapay: another secret", base([sign({ apiSecret: "wrong" })]),
    invalid("invalid_signature", "Invalid signature"));
  add("aquapay: a signed nonce that is not milliseconds", base([sign({ nonce: "abc" })]),
    invalid("malformed_header", "The nonce must be milliseconds since the epoch"));
  add("aquapay: nonce 30 s old, the edge", base([sign({ nonce: String(NOW - 30_000) })]), { key_id: "aq-key" });
  add("aquapay: nonce 31 s old", base([sign({ nonce: String(NOW - 31_000) })]),
    invalid("timestamp_expired", "Nonce expired"));
  add("aquapay: nonce 31 s ahead", base([sign({ nonce: String(NOW + 31_000) })]),
    invalid("ahead_of_time", "Nonce ahead of time"));
  add("aquapay: nonce 6 s old, 5 s tolerance", base([sign({ nonce: String(NOW - 6000) })], { tolerance_ms: 5000 }),
    invalid("timestamp_expired", "Nonce expired"));
  add("aquapay: replayed request", base([valid, valid]), invalid("nonce_reused", "Nonce already used"));
  add("aquapay: a nonce used again on another path", base([valid, get, sign({ path: "/payment/v1/x" })]),
    invalid("nonce_reused", "Nonce already used"));
}

// ---- RemitQuickly (documented code with the crypto module; Postman body rule)

function remitquickly({ apiKey, secret, body, timestamp, obj, headerName = "apikey" }) {
  const signed = obj ?? { body, timestamp };
  const payload = Buffer.from(JSON.stringify(signed), "utf8").toString("base64");
  const signature = crypto.createHmac("sha512", secret).update(payload).digest("hex");
  return [
    [headerName, apiKey],
    ["payload", payload],
    ["signature", signature],
  ];
}

// The Postman pre-request script's rule: url-encoded fields → object.
const postmanBody = (params) =>
  params.reduce((data, param) => {
    data[param.key] = param.value;
    return data;
  }, {});

{
  const keys = { "rq-key": ["rq-secret"] };
  const base = (requests, extra = {}) => ({ scheme: "remitquickly", keys, now_ms: NOW, ...extra, requests });
  const ts = String(NOW - 1000);
  const order = { amount: "100.50", currency: "USD", recipient: { name: "Ana", account: "DE89 3704" } };
  const json = (over = {}) => ({
    method: "POST",
    path: "/api/v1/transfers",
    headers: [["Content-Type", "application/json"],
      ...remitquickly({ apiKey: "rq-key", secret: "rq-secret", body: order, timestamp: ts, ...over })],
    body: JSON.stringify(order),
  });
  const params = [
    { key: "amount", value: "100" },
    { key: "2", value: "second" },
    { key: "note", value: "a+b c/é" },
    { key: "amount", value: "200" },
  ];
  const form = {
    method: "POST",
    path: "/api/v1/quotes",
    headers: [["Content-Type", "application/x-www-form-urlencoded"],
      ...remitquickly({ apiKey: "rq-key", secret: "rq-secret", body: postmanBody(params), timestamp: ts })],
    body: new URLSearchParams(params.map((p) => [p.key, p.value])).toString(),
  };
  const none = {
    method: "GET",
    path: "/api/v1/balance?currency=USD",
    headers: remitquickly({ apiKey: "rq-key", secret: "rq-secret", body: {}, timestamp: ts }),
    body: null,
  };
  const valid = json();
  const invalid = (code, message) => refused(code, 401, message);
  add("remitquickly: JSON body", base([valid]), { key_id: "rq-key" });
  add("remitquickly: JSON body with whitespace, compared as parsed",
    base([withBody(valid, JSON.stringify(order, null, 2))]), { key_id: "rq-key" });
  add("remitquickly: url-encoded form (Postman's rule: repeated name keeps first place, last value)",
    base([form]), { key_id: "rq-key" });
  add("remitquickly: no body is {}", base([none]), { key_id: "rq-key" });
  add("remitquickly: the key header spelled apiKey", base([{ ...none,
    headers: remitquickly({ apiKey: "rq-key", secret: "rq-secret", body: {}, timestamp: ts, headerName: "apiKey" }) }]),
    { key_id: "rq-key" });
  add("remitquickly: upper-case hex", base([withHeader(valid, "signature", header(valid, "signature").toUpperCase())]),
    { key_id: "rq-key" });
  for (const name of ["apikey", "payload", "signature"]) {
    add(`remitquickly: no ${name}`, base([withoutHeader(valid, name)]),
      invalid("missing_header", "Missing necessary header data"));
  }
  add("remitquickly: payload twice", base([duplicated(valid, "payload")]),
    invalid("malformed_header", "Duplicate header data"));
  add("remitquickly: unknown API key", base([json({ apiKey: "nobody" })]),
    invalid("invalid_api_key", "Invalid api key"));
  const otherPayload = header(json({ timestamp: String(NOW) }), "payload");
  add("remitquickly: payload changed after signing", base([withHeader(valid, "payload", otherPayload)]),
    invalid("invalid_signature", "Invalid Signature"));
  add("remitquickly: another secret", base([json({ secret: "wrong" })]),
    invalid("invalid_signature", "Invalid Signature"));
  add("remitquickly: signed payload without timestamp", base([json({ obj: { body: order } })]),
    invalid("missing_timestamp", "Missing timestamp in payload"));
  add("remitquickly: signed payload without body", base([json({ obj: { timestamp: ts } })]),
    invalid("missing_body", "Missing body in payload"));
  add("remitquickly: signed timestamp that is not milliseconds", base([json({ timestamp: "soon" })]),
    invalid("malformed_header", "Invalid payload"));
  add("remitquickly: timestamp 60 s old, the edge", base([json({ timestamp: String(NOW - 60_000) })]),
    { key_id: "rq-key" });
  add("remitquickly: timestamp 61 s old", base([json({ timestamp: String(NOW - 61_000) })]),
    invalid("timestamp_expired", "Timestamp expired"));
  add("remitquickly: timestamp 61 s ahead", base([json({ timestamp: String(NOW + 61_000) })]),
    invalid("ahead_of_time", "Ahead of time"));
  add("remitquickly: tampered body", base([withBody(valid, valid.body.replace("100.50", "900.50"))]),
    invalid("body_mismatch", "Body and Payload mismatch"));
  add("remitquickly: tampered form field", base([withBody(form, form.body.replace("amount=200", "amount=300"))]),
    invalid("body_mismatch", "Body and Payload mismatch"));
  add("remitquickly: a body the server cannot read (text/plain)",
    base([withHeader(valid, "Content-Type", "text/plain")]), invalid("body_mismatch", "Body and Payload mismatch"));
  add("remitquickly: body dropped", base([withBody(valid, null)]),
    invalid("body_mismatch", "Body and Payload mismatch"));
  add("remitquickly: replayed request", base([valid, valid]), invalid("nonce_reused", "Duplicate request"));
  add("remitquickly: replayed with the signature upper-cased",
    base([valid, withHeader(valid, "signature", header(valid, "signature").toUpperCase())]),
    invalid("nonce_reused", "Duplicate request"));
}

// ---- PGPrints (documented code; no key id, no nonce) ----------------------

{
  const generatePGPrintHmac = ({ body, secretKey }, digest = "base64") =>
    crypto.createHmac("sha256", secretKey).update(JSON.stringify(body)).digest(digest);
  const order = { orderId: "PG-1001", items: [{ sku: "T-SHIRT-M", qty: 2 }], total: 39.9 };
  const request = (secretKey, digest, text = JSON.stringify(order)) => ({
    method: "POST",
    path: "/open-api/orders",
    headers: [["Content-Type", "application/json"],
      ["X-PGPrints-Hmac-Sha256", generatePGPrintHmac({ body: order, secretKey }, digest)]],
    body: text,
  });
  const keys = { "store-1": ["pg-secret-1"], "store-2": ["pg-secret-2"] };
  const base = (requests) => ({ scheme: "pgprints", keys, now_ms: NOW, requests });
  const valid = request("pg-secret-1");
  add("pgprints: valid", base([valid]), { key_id: "store-1" });
  add("pgprints: the key that signed it", base([request("pg-secret-2")]), { key_id: "store-2" });
  add("pgprints: hex digest (the other published sample)", base([request("pg-secret-1", "hex")]),
    { key_id: "store-1" });
  add("pgprints: whitespace in the body, the server re-serialises",
    base([request("pg-secret-1", "base64", JSON.stringify(order, null, 2))]), { key_id: "store-1" });
  add("pgprints: a replay verifies again (no nonce in the scheme)", base([valid, valid]), { key_id: "store-1" });
  add("pgprints: no signature header", base([withoutHeader(valid, "X-PGPrints-Hmac-Sha256")]),
    refused("missing_header", 401, "Missing X-PGPrints-Hmac-Sha256 header"));
  add("pgprints: signature header twice", base([duplicated(valid, "X-PGPrints-Hmac-Sha256")]),
    refused("malformed_header", 401, "Duplicate X-PGPrints-Hmac-Sha256 header"));
  add("pgprints: tampered body", base([withBody(valid, valid.body.replace("39.9", "3.99"))]),
    refused("invalid_signature", 401, "Invalid signature"));
  add("pgprints: unknown secret", base([request("pg-secret-3")]),
    refused("invalid_signature", 401, "Invalid signature"));
  add("pgprints: body that is not JSON", base([withBody(valid, "orderId=PG-1001")]),
    refused("invalid_json", 400, "The body is not JSON"));
  add("pgprints: no body", base([withBody(valid, null)]), refused("invalid_json", 400, "The body is not JSON"));
}

// ---- OnchainPay (documented code: payload.nonce, JSON.stringify, hex) -----

{
  const request = (payload, nonce, { privateKey = "oc-private", publicKey = "oc-public" } = {}) => {
    const p = JSON.parse(JSON.stringify(payload));
    if (nonce !== undefined) p.nonce = nonce;
    const stringPayload = JSON.stringify(p);
    const sign = crypto.createHmac("SHA256", privateKey).update(stringPayload).digest("hex");
    return {
      method: "POST",
      path: "/price-rate",
      headers: [["Content-Type", "application/json"], ["x-api-public-key", publicKey], ["x-api-signature", sign]],
      body: stringPayload,
    };
  };
  const rate = { from: "ETH", to: "USDT" };
  const keys = { "oc-public": ["oc-private"], "oc-public-2": ["oc-private-2"] };
  // The cases written when "increasing" was the default name it; the
  // default is now "unique" (PROVIDERS.md), with cases of its own below.
  const base = (requests, extra = {}) =>
    ({ scheme: "onchainpay", keys, now_ms: NOW, nonce_policy: "increasing", ...extra, requests });
  const timestamp = (requests, extra = {}) => base(requests, { nonce_policy: "timestamp", ...extra });
  const byDefault = (requests) => ({ scheme: "onchainpay", keys, now_ms: NOW, requests });
  const invalid = (code, message) => refused(code, 401, message);
  const docs = request(rate, 1643881172430);
  if (docs.body !== '{"from":"ETH","to":"USDT","nonce":1643881172430}') throw new Error("docs body");
  add("onchainpay: the documented example (no time window by default)", base([docs]), { key_id: "oc-public" });
  add("onchainpay: increasing nonces", base([docs, request(rate, NOW), request(rate, NOW + 1)]),
    { key_id: "oc-public" });
  add("onchainpay: string nonces of digits increase too",
    base([request(rate, String(NOW)), request(rate, String(NOW + 5))]), { key_id: "oc-public" });
  add("onchainpay: each key has its own sequence",
    base([request(rate, NOW), request(rate, NOW - 10, { publicKey: "oc-public-2", privateKey: "oc-private-2" })]),
    { key_id: "oc-public-2" });
  add("onchainpay: upper-case hex", base([withHeader(docs, "x-api-signature", header(docs, "x-api-signature").toUpperCase())]),
    { key_id: "oc-public" });
  add("onchainpay: nonce already present is replaced in place",
    base([request({ nonce: 0, from: "BTC" }, NOW)]), { key_id: "oc-public" });
  add("onchainpay: a lower nonce", base([request(rate, NOW), request(rate, NOW - 1)]),
    invalid("nonce_not_increasing", "Nonce not greater than the last one"));
  add("onchainpay: replayed request", base([docs, docs]), invalid("nonce_reused", "Nonce already used"));
  for (const name of ["x-api-public-key", "x-api-signature"]) {
    add(`onchainpay: no ${name}`, base([withoutHeader(docs, name)]),
      invalid("missing_header", `Missing ${name} header`));
  }
  add("onchainpay: x-api-signature twice", base([duplicated(docs, "x-api-signature")]),
    invalid("malformed_header", "Duplicate x-api-signature header"));
  add("onchainpay: unknown public key", base([request(rate, NOW, { publicKey: "nobody" })]),
    invalid("invalid_api_key", "Invalid API key"));
  add("onchainpay: tampered body", base([withBody(docs, docs.body.replace("USDT", "USDC"))]),
    invalid("invalid_signature", "Invalid signature"));
  add("onchainpay: re-serialised body (the raw bytes are signed)",
    base([withBody(docs, JSON.stringify(JSON.parse(docs.body), null, 1))]),
    invalid("invalid_signature", "Invalid signature"));
  add("onchainpay: another private key", base([request(rate, NOW, { privateKey: "wrong" })]),
    invalid("invalid_signature", "Invalid signature"));
  add("onchainpay: signed body without nonce", base([request(rate, undefined)]),
    invalid("missing_timestamp", "Missing nonce"));
  add("onchainpay: signed nonce that is not an integer", base([request(rate, "abc")]),
    invalid("malformed_header", "Invalid nonce"));
  add("onchainpay: signed fractional nonce", base([request(rate, 1.5)]),
    invalid("malformed_header", "Invalid nonce"));
  add("onchainpay timestamp: out of order within the window",
    timestamp([request(rate, NOW), request(rate, NOW - 1000), request(rate, NOW + 1000)]), { key_id: "oc-public" });
  add("onchainpay timestamp: the same nonce twice", timestamp([request(rate, NOW - 1000), request(rate, NOW), request(rate, NOW - 1000)]),
    invalid("nonce_reused", "Nonce already used"));
  add("onchainpay timestamp: nonce 31 s old", timestamp([request(rate, NOW - 31_000)]),
    invalid("timestamp_expired", "Nonce expired"));
  add("onchainpay timestamp: nonce 31 s ahead", timestamp([request(rate, NOW + 31_000)]),
    invalid("ahead_of_time", "Nonce ahead of time"));
  add("onchainpay timestamp: nonce 31 s old, 60 s tolerance", timestamp([request(rate, NOW - 31_000)], { tolerance_ms: 60_000 }),
    { key_id: "oc-public" });
  add("onchainpay timestamp: the documented example is long expired", timestamp([docs]),
    invalid("timestamp_expired", "Nonce expired"));

  // The default policy, "unique": any JSON number or string, once per key.
  // Nonces as the official SDKs make them (PROVIDERS.md): Python
  // round(random() * 1e9), here fixed draws; Node and Go a counter per
  // client from its start time; PHP the current millisecond.
  const python = [483920117, 12, 999999999, 271828183];
  add("onchainpay default: random nonces in any order (Python SDK)",
    byDefault(python.map((n) => request(rate, n))), { key_id: "oc-public" });
  const clientA = NOW - 5000; // started 5 s ago
  const clientB = NOW - 2000; // started 2 s ago
  add("onchainpay default: two counter clients on one key (Node, Go SDKs)",
    byDefault([request(rate, clientA), request(rate, clientB), request(rate, clientA + 1),
      request(rate, clientB + 1), request(rate, clientA + 2)]), { key_id: "oc-public" });
  add("onchainpay default: the documented example, long ago", byDefault([docs]), { key_id: "oc-public" });
  add("onchainpay default: string nonces of any text",
    byDefault([request(rate, "3f2b8c1e-uuid"), request(rate, "abc"), request(rate, "")]), { key_id: "oc-public" });
  add("onchainpay default: a number and the same digits as a string are different values",
    byDefault([request(rate, 7), request(rate, "7")]), { key_id: "oc-public" });
  add("onchainpay default: fractional and negative numbers are values too",
    byDefault([request(rate, 1.5), request(rate, -1)]), { key_id: "oc-public" });
  add("onchainpay default: a nonce used before, out of order",
    byDefault([request(rate, python[0]), request(rate, python[1]), request(rate, python[0])]),
    invalid("nonce_reused", "Nonce already used"));
  add("onchainpay default: two calls in one millisecond (PHP SDK)",
    byDefault([request(rate, NOW), request({ from: "BTC", to: "USDT" }, NOW)]),
    invalid("nonce_reused", "Nonce already used"));
  add("onchainpay default: a replayed request", byDefault([docs, docs]),
    invalid("nonce_reused", "Nonce already used"));
  add("onchainpay default: each key has its own nonces",
    byDefault([request(rate, 5), request(rate, 5, { publicKey: "oc-public-2", privateKey: "oc-private-2" })]),
    { key_id: "oc-public-2" });
  add("onchainpay default: a null nonce", byDefault([request(rate, null)]),
    invalid("malformed_header", "Invalid nonce"));
  add("onchainpay default: an object nonce", byDefault([request(rate, { n: 1 })]),
    invalid("malformed_header", "Invalid nonce"));
  add("onchainpay default: no nonce", byDefault([request(rate, undefined)]),
    invalid("missing_timestamp", "Missing nonce"));
  add("onchainpay increasing: two counter clients on one key refuse each other",
    base([request(rate, clientB), request(rate, clientA)]),
    invalid("nonce_not_increasing", "Nonce not greater than the last one"));
  add("onchainpay increasing: random nonces (Python SDK) are refused",
    base(python.slice(0, 2).map((n) => request(rate, n))),
    invalid("nonce_not_increasing", "Nonce not greater than the last one"));
}

const doc = { scheme: "verify", node: process.version, cases };
fs.writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
console.error(`wrote ${cases.length} cases to ${out}`);
