//! `paysig serve SCHEME`: a local sandbox on 127.0.0.1 that verifies every
//! request as the provider would and answers in the provider's envelope
//! (`envelope.rs`): for an accepted request, the example answer of a
//! documented endpoint, or what `--responses FILE` says, or the envelope
//! with an empty result (`responses.rs`); otherwise the provider's status
//! and error body, and with `--explain` an `explain` member saying what was
//! expected (the string to sign, the canonical body, the time window —
//! never a secret or an expected signature). Every answer carries a
//! request id (in the body where the provider has a place for it, and in
//! `X-Request-Id`), and every request gets one line on stderr with that id
//! (`request_log.rs`).
//!
//! Bounded: bodies over `--max-body` get 413, at most 64 headers and 64 KiB
//! of head per request, and the replay guard holds `--replay-capacity`
//! entries — or, with `--redis URL`, nonces are recorded in Redis, shared
//! by every `paysig serve` (or other verifier) using it, and requests are
//! refused with 503 when Redis does not answer. SIGINT or SIGTERM stops
//! accepting, lets open requests finish (5 s at most) and exits 0.

use std::collections::hash_map::RandomState;
use std::convert::Infallible;
use std::hash::BuildHasher;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::Args;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use paysig::verify::{Keyring, Target, Verifier, DEFAULT_CAPACITY};
use paysig::{Error, Result};
use paysig_replay_redis::RedisReplayGuard;
use zeroize::Zeroizing;

use crate::envelope::{self, REQUEST_ID_HEADER};
use crate::explanation;
use crate::http_request::{parse_target, ReceivedRequest, VerifierOptions, MAX_HEADERS};
use crate::request_log::{self, Entry, LogFormat};
use crate::responses::Responses;

#[derive(Args)]
pub struct ServeArgs {
    /// cryptopay, cryptopay-callback, aquapay, remitquickly, pgprints or
    /// onchainpay.
    #[arg(value_parser = parse_target)]
    scheme: Target,
    /// The port on 127.0.0.1 (0: any free port; the chosen one is printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// A TOML file of keys: `[keys]` then `ID = "secret"` or
    /// `ID = ["secret", "older secret"]`.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// A key id, with --secret or --secret-env.
    #[arg(long, value_name = "ID")]
    key: Option<String>,
    /// The secret of --key (visible to `ps`: prefer --secret-env or --keys).
    #[arg(
        long,
        value_name = "SECRET",
        requires = "key",
        allow_hyphen_values = true
    )]
    secret: Option<String>,
    /// The environment variable holding the secret of --key.
    #[arg(long, value_name = "VAR", requires = "key", conflicts_with = "secret")]
    secret_env: Option<String>,
    #[command(flatten)]
    options: VerifierOptions,
    /// Add to each refusal what the verifier expected.
    #[arg(long)]
    explain: bool,
    /// Answers for accepted requests: a JSON object of "METHOD /path" →
    /// {"status": N, "body": ANY} (sent as is) or {"status": N, "result":
    /// ANY} (wrapped in the provider's envelope) [default: examples for the
    /// documented endpoints, the envelope with an empty result elsewhere].
    #[arg(long, value_name = "FILE")]
    responses: Option<PathBuf>,
    /// The log on stderr: one line per request (text), JSON lines, or none.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log: LogFormat,
    /// The largest body accepted, in bytes (413 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    /// The most nonces the replay guard holds, in memory or in Redis
    /// (refusing with 503 when full, never forgetting a live one).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CAPACITY)]
    replay_capacity: usize,
    /// Record nonces in the Redis at URL (`redis://[:password@]host[:port][/db]`),
    /// shared by every verifier using it, instead of in memory. When Redis
    /// is unreachable or slow, requests are refused with 503.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// How long Redis has to answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 250, requires = "redis")]
    redis_timeout_ms: u64,
    /// Worker threads [default: one per CPU].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

struct State {
    verifier: Verifier,
    responses: Responses,
    log: LogFormat,
    request_ids: RequestIds,
    /// Verification waits on the network (Redis): run it where blocking
    /// does not stall the runtime.
    blocking: bool,
    explain: bool,
    max_body: usize,
}

/// Runs the server until SIGINT or SIGTERM.
pub fn main(args: &ServeArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}: {}", error.code(), error.message());
            ExitCode::from(2)
        }
    }
}

fn run(args: &ServeArgs) -> Result<()> {
    let keyring = keyring(args)?;
    if keyring.is_empty() {
        return Err(Error::invalid_argument(
            "no keys: give --key ID with --secret/--secret-env, or --keys FILE",
        ));
    }
    let mut verifier = args
        .options
        .build(args.scheme, keyring, args.replay_capacity);
    if let Some(url) = &args.redis {
        verifier = verifier.with_replay_guard(Arc::new(redis_guard(
            url,
            args.redis_timeout_ms,
            args.replay_capacity,
        )?));
    }
    let mut responses = Responses::examples(args.scheme);
    if let Some(file) = &args.responses {
        responses.load(args.scheme, file)?;
    }
    let state = Arc::new(State {
        verifier,
        responses,
        log: args.log,
        request_ids: RequestIds::default(),
        blocking: args.redis.is_some(),
        explain: args.explain,
        max_body: args.max_body,
    });
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads.max(1));
    }
    let runtime = runtime
        .enable_all()
        .build()
        .map_err(|e| Error::invalid_argument(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(state, args.port))
}

async fn serve(state: Arc<State>, port: u16) -> Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| Error::invalid_argument(format!("cannot listen on {address}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::invalid_argument(format!("no local address: {e}")))?;
    println!("listening on http://{bound}");
    // Whoever started us reads the port from this line: flush it now.
    std::io::Write::flush(&mut std::io::stdout()).ok();

    let graceful = GracefulShutdown::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = Arc::clone(&state);
                let service = service_fn(move |request| handle(Arc::clone(&state), request));
                let connection = http1::Builder::new()
                    .max_headers(MAX_HEADERS)
                    .max_buf_size(64 * 1024)
                    .serve_connection(TokioIo::new(stream), service);
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away mid-request is not our error.
                    let _ = watched.await;
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
    eprintln!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Request ids: 32 hex digits, unique per process (a counter) and not
/// guessable across runs (hashed with per-process random keys).
#[derive(Default)]
struct RequestIds {
    next: AtomicU64,
    high: RandomState,
    low: RandomState,
}

impl RequestIds {
    fn next(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:016x}{:016x}",
            self.high.hash_one(n),
            self.low.hash_one(n)
        )
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let request_id = state.request_ids.next();
    let started = SystemTime::now();
    let method = request.method().as_str().to_owned();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let (status, result, body) =
        answer(&state, request, &method, &target, &headers, &request_id).await;
    Entry {
        time: started,
        target: state.verifier.target(),
        method: &method,
        path: &target,
        key_id: request_log::claimed_key_id(state.verifier.target(), &headers),
        result: &result,
        status: status.as_u16(),
        request_id: &request_id,
    }
    .write(state.log);
    Ok(respond(status, &body, &request_id))
}

/// Verifies one request and chooses the answer: status, result code for
/// the log (`ok` or the refusal's code), body.
async fn answer(
    state: &State,
    request: Request<Incoming>,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    request_id: &str,
) -> (StatusCode, String, String) {
    let scheme = state.verifier.target();
    let own_refusal = |status: StatusCode, code: &str, message: &str| {
        let body = envelope::failure(scheme, status.as_u16(), code, message, request_id);
        (status, code.to_owned(), body.to_string())
    };
    let too_large = || {
        own_refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Payload Too Large",
        )
    };
    let declared_too_large = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > state.max_body as u64);
    if declared_too_large {
        return too_large();
    }
    let body = match Limited::new(request.into_body(), state.max_body)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return too_large(),
        Err(_) => return own_refusal(StatusCode::BAD_REQUEST, "bad_request", "Bad Request"),
    };
    let received = ReceivedRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        headers: headers.to_vec(),
        body: body.to_vec(),
    };
    let verified = if state.blocking {
        tokio::task::block_in_place(|| received.verify(&state.verifier))
    } else {
        received.verify(&state.verifier)
    };
    match verified {
        Ok(_) => {
            let canned = state.responses.answer(scheme, method, target);
            let status = StatusCode::from_u16(canned.status).unwrap_or(StatusCode::OK);
            (status, "ok".to_owned(), canned.body.to_string())
        }
        Err(error) => {
            let error = error.with_request_id(request_id);
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNAUTHORIZED);
            (
                status,
                error.code().as_str().to_owned(),
                explanation::refusal_body(&error, state.explain, false),
            )
        }
    }
}

/// The Redis replay guard of `--redis`. Redis not answering yet is not an
/// error (it may start later): requests are refused until it does.
fn redis_guard(url: &str, timeout_ms: u64, capacity: usize) -> Result<RedisReplayGuard> {
    let guard = RedisReplayGuard::new(url)?
        .with_timeout(Duration::from_millis(timeout_ms))
        .with_capacity(capacity);
    match guard.ping() {
        Ok(()) => eprintln!("replay guard: Redis (timeout {timeout_ms} ms)"),
        Err(e) => eprintln!("warning: {e}: requests are refused (503) until Redis answers"),
    }
    Ok(guard)
}

fn respond(status: StatusCode, body: &str, request_id: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    response
}

/// The keys from `--keys FILE` and `--key` with its secret.
fn keyring(args: &ServeArgs) -> Result<Keyring> {
    let mut keyring = Keyring::new();
    if let Some(path) = &args.keys {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            Error::invalid_argument(format!("cannot read {}: {e}", path.display()))
        })?);
        add_toml_keys(&mut keyring, &text)
            .map_err(|e| Error::invalid_argument(format!("{}: {e}", path.display())))?;
    }
    if let Some(id) = &args.key {
        let secret = match (&args.secret, &args.secret_env) {
            (Some(secret), _) => Zeroizing::new(secret.clone()),
            (None, Some(var)) => Zeroizing::new(std::env::var(var).map_err(|_| {
                Error::invalid_argument(format!(
                    "--secret-env: the environment variable {var} is not set"
                ))
            })?),
            (None, None) => {
                return Err(Error::invalid_argument(
                    "--key needs --secret or --secret-env",
                ))
            }
        };
        keyring.add(id, &secret)?;
    }
    Ok(keyring)
}

/// `[keys]` with `ID = "secret"` or `ID = ["secret", ...]`. Error messages
/// name ids, never secrets (TOML's own parse errors quote the source line,
/// so they are not passed on).
fn add_toml_keys(keyring: &mut Keyring, text: &str) -> std::result::Result<(), String> {
    let table: toml::Table = text
        .parse()
        .map_err(|_| "not valid TOML (the parser's message is withheld: it may quote a secret)")?;
    let keys = table
        .get("keys")
        .and_then(toml::Value::as_table)
        .ok_or("no [keys] table")?;
    for (id, secrets) in keys {
        let list: Vec<&str> = match secrets {
            toml::Value::String(secret) => vec![secret.as_str()],
            toml::Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .ok_or(format!("key {id}: secrets must be strings"))
                })
                .collect::<std::result::Result<_, _>>()?,
            _ => return Err(format!("key {id}: a secret string or a list of them")),
        };
        for secret in list {
            keyring
                .add(id, secret)
                .map_err(|e| format!("key {id}: {}", e.message()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_keys() {
        let mut ring = Keyring::new();
        add_toml_keys(
            &mut ring,
            "[keys]\nk1 = \"s1\"\n\"k 2\" = [\"s2\", \"s3\"]\n",
        )
        .expect("valid keys");
        let mut ids: Vec<&str> = ring.ids().collect();
        ids.sort_unstable();
        assert_eq!(ids, ["k 2", "k1"]);
        assert_eq!(ring.max_secrets(), 2);
        let err = add_toml_keys(&mut Keyring::new(), "keys = 'hunter2").expect_err("bad TOML");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(add_toml_keys(&mut Keyring::new(), "[keys]\nk = 1").is_err());
        assert!(add_toml_keys(&mut Keyring::new(), "[other]\n").is_err());
    }
}
