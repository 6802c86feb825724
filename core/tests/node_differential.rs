//! Differential tests against Node, run live: paysig's canonical JSON must
//! equal `JSON.stringify(JSON.parse(text))`, and its numbers `String(x)`,
//! byte for byte.
//!
//! The inputs are random but seeded. `PAYSIG_SEED=<u64>` replays a run and
//! `PAYSIG_SEED=random` draws a fresh seed; without it the seed is fixed, so
//! CI is repeatable. Every failure message names the seed.

mod support;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use paysig::json::{canonicalize, canonicalize_with, write_number, Number, Options};
use paysig::ErrorCode;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use support::node::{self, Parsed};

/// How many random documents one run compares.
const DOCUMENTS: usize = 25_000;
/// How many doubles one run formats (the special ones included).
const DOUBLES: usize = 1_000_000;
/// The seed when `PAYSIG_SEED` is unset.
const DEFAULT_SEED: u64 = 20_240_917;
/// One document in this many carries one deliberate reason to be refused.
const TAINTED_ONE_IN: u32 = 25;

fn seed(test: &str) -> u64 {
    let seed = match std::env::var("PAYSIG_SEED") {
        Ok(s) if s == "random" => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(DEFAULT_SEED, |d| d.as_nanos() as u64),
        Ok(s) => s
            .trim()
            .parse()
            .expect("PAYSIG_SEED must be an unsigned integer or `random`"),
        Err(_) => DEFAULT_SEED,
    };
    eprintln!("{test}: seed {seed} (replay with PAYSIG_SEED={seed})");
    seed
}

#[test]
fn numbers_print_as_javascript_prints_them() {
    let test = "numbers_print_as_javascript_prints_them";
    let Some(node) = node::find(test) else { return };
    let seed = seed(test);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut doubles = special_doubles();
    while doubles.len() < DOUBLES {
        doubles.push(random_double(&mut rng));
    }
    let bits: Vec<String> = doubles
        .iter()
        .map(|x| format!("{:016x}", x.to_bits()))
        .collect();
    let started = Instant::now();
    let javascript = node.run("number_to_string.js", &[], &bits);
    let node_time = started.elapsed();

    let started = Instant::now();
    let mut failures = Failures::new(seed);
    let mut out = Vec::new();
    for ((x, bits), js) in doubles.iter().zip(&bits).zip(&javascript) {
        out.clear();
        write_number(&mut out, Number::from_f64(*x).expect("finite"));
        let ours = String::from_utf8_lossy(&out);
        if ours != js.as_str() {
            failures.add(format!(
                "double {bits} ({x:e}): paysig wrote {ours}, node wrote {js}"
            ));
        }
        // Whatever JavaScript prints, the strict parser must accept as is:
        // it is the one form JavaScript reads back to the same value.
        match canonicalize(js) {
            Ok(text) if text == *js => {}
            other => failures.add(format!(
                "node's {js} (double {bits}): strict canonicalize gave {other:?}"
            )),
        }
    }
    failures.check(&format!("{} doubles", doubles.len()));
    eprintln!(
        "{test}: {} doubles formatted as node {} formats them \
         (node {node_time:.2?}, paysig and checks {:.2?})",
        doubles.len(),
        node.version,
        started.elapsed()
    );
}

#[test]
fn documents_canonicalize_as_javascript_does() {
    let test = "documents_canonicalize_as_javascript_does";
    let Some(node) = node::find(test) else { return };
    let seed = seed(test);
    let mut rng = SmallRng::seed_from_u64(seed);
    let documents: Vec<Document> = (0..DOCUMENTS).map(|_| document(&mut rng)).collect();
    let lines: Vec<String> = documents
        .iter()
        .map(|d| serde_json::to_string(&d.text).expect("a string serializes"))
        .collect();
    let started = Instant::now();
    let javascript = node.run("stringify.js", &[], &lines);
    let node_time = started.elapsed();

    let started = Instant::now();
    let mut failures = Failures::new(seed);
    let mut accepted = 0usize;
    let mut refused = 0usize;
    let mut bytes = 0usize;
    for (i, (doc, line)) in documents.iter().zip(&javascript).enumerate() {
        bytes += doc.text.len();
        let show = |what: String| format!("document {i} {:?}: {what}", doc.text);
        let js = match node::parsed(line) {
            Parsed::Ok(js) => js,
            Parsed::Threw(message) => {
                // The generator writes only JSON; this is its bug or node's.
                failures.add(show(format!("node's JSON.parse threw: {message}")));
                continue;
            }
        };
        let strict = canonicalize(&doc.text);
        match (&doc.taint, &strict) {
            (None, Ok(ours)) if *ours == js => accepted += 1,
            (Some(taint), Err(e)) if e.code() == taint.code() => refused += 1,
            _ => failures.add(show(format!(
                "expected {}, paysig gave {strict:?}, node gave {js}",
                doc.taint
                    .as_ref()
                    .map_or("node's output".to_owned(), |t| format!("refusal {t:?}")),
            ))),
        }
        // Lenient mode reads as JavaScript does, refused documents included.
        let lenient = canonicalize_with(doc.text.as_bytes(), &Options::lenient());
        if lenient.as_ref().ok() != Some(&js) {
            failures.add(show(format!(
                "lenient paysig gave {lenient:?}, node gave {js}"
            )));
        }
    }
    failures.check(&format!("{} documents", documents.len()));
    // Refusals were each asked for by the generator and checked above; the
    // bulk must be documents accepted with node's exact output.
    assert!(
        accepted * 100 >= documents.len() * 95,
        "seed {seed}: only {accepted} of {} documents were accepted",
        documents.len()
    );
    eprintln!(
        "{test}: {} documents ({bytes} bytes): {accepted} equal to node {}, \
         {refused} refused as intended (node {node_time:.2?}, paysig and checks {:.2?})",
        documents.len(),
        node.version,
        started.elapsed()
    );
}

/// Collects mismatches and fails once, with the first few and the seed.
struct Failures {
    seed: u64,
    count: usize,
    first: Vec<String>,
}

impl Failures {
    fn new(seed: u64) -> Failures {
        Failures {
            seed,
            count: 0,
            first: Vec::new(),
        }
    }

    fn add(&mut self, what: String) {
        self.count += 1;
        if self.first.len() < 5 {
            self.first.push(what);
        }
    }

    fn check(&self, of: &str) {
        assert!(
            self.count == 0,
            "seed {seed} (replay with PAYSIG_SEED={seed}): {count} failures in {of}; first:\n{list}",
            seed = self.seed,
            count = self.count,
            list = self.first.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------
// Doubles

/// Doubles at the edges: signed zeros, the extremes, subnormals, powers of
/// two and of ten with their neighbours (where JavaScript switches between
/// `0.000001`, `1e-7`, `100000000000000000000` and `1e+21`).
fn special_doubles() -> Vec<f64> {
    let mut xs = vec![
        0.0,
        -0.0,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        f64::from_bits(1),
        f64::from_bits((1 << 52) - 1),
        0.1,
        0.2,
        0.1 + 0.2,
        1.0 / 3.0,
        2.0 / 3.0,
        9_007_199_254_740_992.0,
        9_007_199_254_740_991.0,
        123_456_789_012_345_680_000.0,
    ];
    for exponent in -1074..=1023 {
        xs.push(2f64.powi(exponent));
    }
    for exponent in -323..=308 {
        let power: f64 = format!("1e{exponent}").parse().expect("a decimal literal");
        xs.extend(neighbours(power, 2));
        for digit in [2, 5, 9] {
            xs.push(format!("{digit}e{exponent}").parse().expect("a literal"));
        }
    }
    xs.retain(|x| x.is_finite());
    let negatives: Vec<f64> = xs.iter().map(|x| -x).collect();
    xs.extend(negatives);
    xs
}

/// `x` and the `n` doubles on each side of it (for positive finite `x`).
fn neighbours(x: f64, n: u64) -> Vec<f64> {
    let bits = x.to_bits();
    (bits.saturating_sub(n)..=bits + n)
        .map(f64::from_bits)
        .filter(|x| x.is_finite())
        .collect()
}

const MANTISSA: u64 = (1 << 52) - 1;

/// A finite double from a mix of shapes: any bit pattern, the range where
/// JavaScript prints without an exponent, integers, short decimals such as
/// amounts, decimals with up to 17 digits, subnormals, powers of ten's
/// neighbours.
fn random_double(rng: &mut SmallRng) -> f64 {
    let x = match rng.random_range(0..8) {
        0 | 1 => loop {
            let x = f64::from_bits(rng.random());
            if x.is_finite() {
                break x.abs();
            }
        },
        2 => {
            // Binary exponents for about 1e-9 .. 1e23.
            let exponent: u64 = rng.random_range(1023 - 30..=1023 + 76);
            f64::from_bits(exponent << 52 | (rng.random::<u64>() & MANTISSA))
        }
        3 => {
            let width = rng.random_range(1..=64);
            (rng.random::<u64>() >> (64 - width)) as f64
        }
        4 => {
            let digits = rng.random_range(1..=17);
            let mantissa: u64 = rng.random_range(0..10u64.pow(digits));
            let exponent = rng.random_range(-30..=30);
            format!("{mantissa}e{exponent}")
                .parse()
                .expect("a decimal literal")
        }
        5 => f64::from_bits(rng.random_range(1..1 << 52)),
        6 => {
            let power: f64 = format!("1e{}", rng.random_range(-300..=300))
                .parse()
                .expect("a decimal literal");
            let bits = power.to_bits() as i64 + rng.random_range(-3..=3);
            f64::from_bits(bits as u64)
        }
        _ => {
            // Amounts: 12345 / 10^k is the double nearest 123.45 etc.
            let cents = rng.random_range(0..10_000_000u32);
            f64::from(cents) / 10f64.powi(rng.random_range(0..=8))
        }
    };
    if rng.random_bool(0.5) {
        -x
    } else {
        x
    }
}

// ---------------------------------------------------------------------------
// Documents

/// A generated JSON text, and the one reason (if any) strict paysig must
/// refuse it.
struct Document {
    text: String,
    taint: Option<Taint>,
}

/// A deliberate reason for strict paysig to refuse a document that
/// JavaScript reads without complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Taint {
    /// An object repeats a key (perhaps spelt with other escapes).
    DuplicateKey,
    /// A literal with more significant digits than any double prints, or
    /// an odd integer between 2^53 and 2^54.
    InexactNumber,
    /// A literal beyond the largest double (JavaScript: `null`).
    Overflow,
    /// A nonzero literal below half the smallest subnormal (JavaScript: `0`).
    Underflow,
}

impl Taint {
    fn code(self) -> ErrorCode {
        match self {
            Taint::DuplicateKey => ErrorCode::DuplicateKey,
            _ => ErrorCode::NumberOutOfRange,
        }
    }
}

/// Containers nest at most this deep, apart from the occasional deep chain.
const MAX_NEST: usize = 6;

fn document(rng: &mut SmallRng) -> Document {
    let taint = if rng.random_ratio(1, TAINTED_ONE_IN) {
        Some(match rng.random_range(0..4) {
            0 => Taint::DuplicateKey,
            1 => Taint::InexactNumber,
            2 => Taint::Overflow,
            _ => Taint::Underflow,
        })
    } else {
        None
    };
    let mut g = Generator {
        rng,
        text: String::new(),
        budget: 0,
        pending: taint,
    };
    g.budget = g.rng.random_range(1..48);
    g.space();
    // Now and then a long chain of containers around the value (paysig's
    // default depth limit is 128; this stays within it).
    let chain = if g.rng.random_ratio(1, 50) {
        g.rng.random_range(10..=100)
    } else {
        0
    };
    let mut closers = Vec::with_capacity(chain);
    for _ in 0..chain {
        if g.rng.random_bool(0.5) {
            g.text.push('[');
            closers.push(']');
        } else {
            g.text.push('{');
            let key = g.key();
            g.string(&key);
            g.text.push(':');
            closers.push('}');
        }
        g.space();
    }
    g.value(0);
    while let Some(closer) = closers.pop() {
        g.space();
        g.text.push(closer);
    }
    g.space();
    if g.pending.is_some() {
        g.wrap_with_taint();
    }
    Document {
        text: g.text,
        taint,
    }
}

/// The digits and exponent of `|x|` as Rust's `{:e}` writes it: the shortest
/// digits that read back as `x` (`1.25e-7` → `("125", -7)`).
fn scientific(x: f64) -> (String, i64) {
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` writes an e");
    let digits = mantissa.chars().filter(|c| *c != '.').collect();
    (digits, exponent.parse().expect("an exponent"))
}

/// The digits JavaScript prints for `x`, as `scientific` finds them; `None`
/// when `x` lies (nearly) halfway between two shortest candidates. There
/// ECMAScript takes the even digit and Rust may not (29299286266601.8125
/// prints as `…601.812` in JavaScript, `…601.813` in Rust), and strict paysig
/// refuses the digits JavaScript would not print.
fn shortest_digits(x: f64) -> Option<(String, i64)> {
    let (digits, exponent) = scientific(x);
    // A tie has exactly one more significant digit, a 5.
    let wide = format!("{:.40e}", x.abs());
    let wide: Vec<u8> = wide
        .bytes()
        .take_while(|b| *b != b'e')
        .filter(|b| *b != b'.')
        .collect();
    let tail = &wide[digits.len()..];
    let tie = tail.first() == Some(&b'5') && tail[1..].iter().all(|b| *b == b'0');
    (!tie).then_some((digits, exponent))
}

/// Writes JSON text directly, choosing at random among equivalent
/// spellings: whitespace, escapes, number forms.
struct Generator<'r> {
    rng: &'r mut SmallRng,
    text: String,
    /// Values still to be written; containers stop growing at zero.
    budget: usize,
    /// A taint not yet written into the text.
    pending: Option<Taint>,
}

impl Generator<'_> {
    fn space(&mut self) {
        const SPACES: [&str; 8] = ["", "", "", " ", "\n", "\t", "\r\n", "  \n\t "];
        let space = SPACES[self.rng.random_range(0..SPACES.len())];
        self.text.push_str(space);
    }

    fn value(&mut self, depth: usize) {
        self.budget = self.budget.saturating_sub(1);
        let containers = depth < MAX_NEST && self.budget > 0;
        match self.rng.random_range(0..10) {
            0..=2 if containers => self.object(depth),
            3..=4 if containers => self.array(depth),
            0..=5 => self.number(),
            6..=8 => {
                let len = self.rng.random_range(0..12);
                let s = self.random_string(len);
                self.string(&s);
            }
            _ => {
                let literal = ["true", "false", "null"][self.rng.random_range(0..3)];
                self.text.push_str(literal);
            }
        }
    }

    fn array(&mut self, depth: usize) {
        let len = self.rng.random_range(0..=6).min(self.budget);
        self.text.push('[');
        self.space();
        for i in 0..len {
            if i > 0 {
                self.text.push(',');
                self.space();
            }
            self.value(depth + 1);
            self.space();
        }
        self.text.push(']');
    }

    fn object(&mut self, depth: usize) {
        let len = self.rng.random_range(0..=6).min(self.budget);
        // Where a pending duplicate goes, if it is still pending then.
        let duplicate_at = (len >= 2).then(|| self.rng.random_range(1..len));
        let mut keys: Vec<String> = Vec::with_capacity(len);
        let mut seen = HashSet::new();
        self.text.push('{');
        self.space();
        for i in 0..len {
            if i > 0 {
                self.text.push(',');
                self.space();
            }
            let key = if duplicate_at == Some(i) && self.pending == Some(Taint::DuplicateKey) {
                self.pending = None;
                keys[self.rng.random_range(0..keys.len())].clone()
            } else {
                loop {
                    let key = self.key();
                    if seen.insert(key.clone()) {
                        break key;
                    }
                }
            };
            self.string(&key);
            self.space();
            self.text.push(':');
            self.space();
            self.value(depth + 1);
            self.space();
            keys.push(key);
        }
        self.text.push('}');
    }

    /// Wraps the text so far in a container that carries the pending taint
    /// (for documents that offered no place for it).
    fn wrap_with_taint(&mut self) {
        let inner = std::mem::take(&mut self.text);
        let key = self.key();
        self.text.push('{');
        self.string(&key);
        self.text.push(':');
        self.text.push_str(&inner);
        self.text.push(',');
        if self.pending == Some(Taint::DuplicateKey) {
            self.pending = None;
            self.string(&key);
        } else {
            let other = format!("{key}\u{1}");
            self.string(&other);
        }
        self.text.push(':');
        self.number();
        self.text.push('}');
    }

    /// Object keys: array indices and near misses, then anything.
    fn key(&mut self) -> String {
        const NEAR_INDICES: [&str; 22] = [
            "4294967294",
            "4294967295",
            "4294967296",
            "01",
            "00",
            "-1",
            "-0",
            "1.0",
            "1e3",
            "+1",
            " 1",
            "1 ",
            "0x1",
            "18446744073709551616",
            "Infinity",
            "NaN",
            "",
            "__proto__",
            "constructor",
            "length",
            "toString",
            "\u{0}",
        ];
        match self.rng.random_range(0..10) {
            0..=2 => self.rng.random_range(0..30).to_string(),
            3 => self.rng.random_range(0..=4_294_967_294u32).to_string(),
            4 => NEAR_INDICES[self.rng.random_range(0..NEAR_INDICES.len())].to_owned(),
            _ => {
                let len = self.rng.random_range(0..6);
                self.random_string(len)
            }
        }
    }

    fn random_string(&mut self, len: usize) -> String {
        (0..len).map(|_| self.random_char()).collect()
    }

    fn random_char(&mut self) -> char {
        const AWKWARD: [char; 14] = [
            '"', '\\', '/', '\u{7f}', '\u{80}', '\u{7ff}', '\u{800}', '\u{2028}', '\u{2029}',
            '\u{feff}', '\u{fffd}', '\u{fffe}', '\u{ffff}', 'é',
        ];
        let rng = &mut *self.rng;
        let code = match rng.random_range(0..12) {
            0..=3 => rng.random_range(0x20..0x7f),
            4 => rng.random_range(0..0x20),
            5 => return AWKWARD[rng.random_range(0..AWKWARD.len())],
            6 => rng.random_range(0x80..0x800),
            7 => rng.random_range(0x800..0x1_0000),
            8 => rng.random_range(0x1_0000..=0x10_ffff),
            9 => rng.random_range(0x1_f300..0x1_fb00),
            _ => rng.random_range(u32::from(b'a')..=u32::from(b'z')),
        };
        // Surrogate code points have no char: take U+FFFD instead.
        char::from_u32(code).unwrap_or('\u{fffd}')
    }

    /// Writes `s` as a JSON string, escaping at random (controls, `"` and
    /// `\` always), astral characters as surrogate-pair escapes or raw.
    fn string(&mut self, s: &str) {
        self.text.push('"');
        for c in s.chars() {
            let must = c < ' ' || c == '"' || c == '\\';
            if !must && self.rng.random_ratio(7, 10) {
                self.text.push(c);
                continue;
            }
            let short = match c {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '/' => Some("\\/"),
                '\u{8}' => Some("\\b"),
                '\u{c}' => Some("\\f"),
                '\n' => Some("\\n"),
                '\r' => Some("\\r"),
                '\t' => Some("\\t"),
                _ => None,
            };
            match short {
                Some(escape) if self.rng.random_bool(0.6) => self.text.push_str(escape),
                _ => {
                    let upper = self.rng.random_bool(0.5);
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        if upper {
                            let _ = write!(self.text, "\\u{unit:04X}");
                        } else {
                            let _ = write!(self.text, "\\u{unit:04x}");
                        }
                    }
                }
            }
        }
        self.text.push('"');
    }

    fn number(&mut self) {
        let literal = match self.pending {
            Some(taint @ (Taint::InexactNumber | Taint::Overflow | Taint::Underflow)) => {
                self.pending = None;
                self.bad_number(taint)
            }
            _ => {
                let (digits, exponent) = loop {
                    if let Some(shortest) = shortest_digits(random_double(self.rng)) {
                        break shortest;
                    }
                };
                let negative = self.rng.random_bool(0.5);
                self.literal(negative, &digits, exponent)
            }
        };
        self.text.push_str(&literal);
    }

    /// A literal strict paysig must refuse for `taint`, which node reads.
    fn bad_number(&mut self, taint: Taint) -> String {
        let negative = self.rng.random_bool(0.5);
        match taint {
            Taint::InexactNumber if self.rng.random_bool(0.3) => {
                // An odd integer in (2^53, 2^54): no double holds it.
                let odd = (1u64 << 53) + 2 * self.rng.random_range(0..1u64 << 52) + 1;
                let digits = odd.to_string();
                let exponent = digits.len() as i64 - 1;
                self.literal(negative, &digits, exponent)
            }
            Taint::InexactNumber => {
                // A double's shortest digits, then zeros to 18+ digits, then
                // one more nonzero digit: more than any double prints.
                let (mut digits, exponent) = loop {
                    let x = random_double(self.rng);
                    if x != 0.0 {
                        break scientific(x);
                    }
                };
                let length = self.rng.random_range(18..=30).max(digits.len() + 1);
                while digits.len() + 1 < length {
                    digits.push('0');
                }
                digits.push(char::from(b'0' + self.rng.random_range(1..=9)));
                self.literal(negative, &digits, exponent)
            }
            Taint::Overflow => {
                if self.rng.random_bool(0.2) {
                    // Just above MAX + half an ulp, which rounds to infinity.
                    return format!("{}1.7976931348623159e308", if negative { "-" } else { "" });
                }
                let digits = self.digits();
                let exponent = self.rng.random_range(309..=100_000);
                self.literal(negative, &digits, exponent)
            }
            Taint::Underflow => {
                // Below 2.47e-324, half the smallest subnormal: rounds to 0.
                let digits = self.digits();
                let exponent = self.rng.random_range(-100_000..=-325);
                self.literal(negative, &digits, exponent)
            }
            Taint::DuplicateKey => unreachable!("not a number taint"),
        }
    }

    /// 1 to 17 digits, the first nonzero.
    fn digits(&mut self) -> String {
        let len = self.rng.random_range(1..=17);
        let mut digits = String::with_capacity(len);
        digits.push(char::from(b'0' + self.rng.random_range(1..=9)));
        for _ in 1..len {
            digits.push(char::from(b'0' + self.rng.random_range(0..=9)));
        }
        digits
    }

    /// Writes the number `±0.DIGITS × 10^(exponent + 1)` (`digits` as in
    /// `{:e}`: `d.ddd e exponent`), in a random but exact JSON form: with or
    /// without an exponent (`e`/`E`, signed or not, leading zeros), the
    /// point anywhere, leading zeros in the fraction, trailing zeros.
    fn literal(&mut self, negative: bool, digits: &str, exponent: i64) -> String {
        let rng = &mut *self.rng;
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        let digits = digits.trim_end_matches('0');
        if digits.is_empty() {
            out.push('0');
            if rng.random_bool(0.3) {
                out.push('.');
                out.push_str(&"0".repeat(rng.random_range(1..4)));
            }
            if rng.random_bool(0.3) {
                let _ = write!(out, "e{}", rng.random_range(-400..400));
            }
            return out;
        }
        let n = digits.len() as i64;
        // The value is DIGITS × 10^scale.
        let scale = exponent - (n - 1);
        let written = match rng.random_range(0..6) {
            // Plain, as Rust's `{}` writes it (very long at the extremes).
            0 if scale.abs() <= 40 || (scale.abs() <= 400 && rng.random_ratio(1, 10)) => 0,
            0 | 1 => exponent,
            2 => scale,
            _ => exponent + rng.random_range(-6..=6),
        };
        // The mantissa is DIGITS × 10^shift.
        let shift = scale - written;
        if shift >= 0 {
            out.push_str(digits);
            out.push_str(&"0".repeat(shift as usize));
        } else {
            let point = n + shift;
            if point > 0 {
                out.push_str(&digits[..point as usize]);
                out.push('.');
                out.push_str(&digits[point as usize..]);
            } else {
                out.push_str("0.");
                out.push_str(&"0".repeat((-point) as usize));
                out.push_str(digits);
            }
        }
        if rng.random_ratio(1, 5) {
            if !out.contains('.') {
                out.push('.');
            }
            out.push_str(&"0".repeat(rng.random_range(1..6)));
        }
        if written != 0 || rng.random_ratio(1, 10) {
            out.push(if rng.random_bool(0.5) { 'e' } else { 'E' });
            if written < 0 {
                out.push('-');
            } else if rng.random_bool(0.5) {
                out.push('+');
            }
            out.push_str(&"0".repeat(rng.random_range(0..3) / 2));
            let _ = write!(out, "{}", written.abs());
        }
        out
    }
}
