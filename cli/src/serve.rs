//! `paysig serve SCHEME`: a local sandbox on 127.0.0.1 that verifies every
//! request as the provider would. 200 `{"ok":true,"key":ID}` when it
//! verifies; otherwise the provider's status and error body, and with
//! `--explain` an `explain` member saying what was expected (the string to
//! sign, the canonical body — never a secret or an expected signature).
//!
//! Bounded: bodies over `--max-body` get 413, at most 64 headers and 64 KiB
//! of head per request, and the replay guard holds `--replay-capacity`
//! entries — or, with `--redis URL`, nonces are recorded in Redis, shared
//! by every `paysig serve` (or other verifier) using it, and requests are
//! refused with 503 when Redis does not answer. SIGINT or SIGTERM stops
//! accepting, lets open requests finish (5 s at most) and exits 0.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use paysig::verify::{AuthError, Keyring, Target, Verifier, DEFAULT_CAPACITY};
use paysig::{Error, Result};
use paysig_replay_redis::RedisReplayGuard;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::http_request::{parse_target, ReceivedRequest, VerifierOptions, MAX_HEADERS};

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
    /// The largest body accepted, in bytes (413 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    /// The most nonces the replay guard holds (refusing with 503 when full).
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
        verifier = verifier.with_replay_guard(Arc::new(redis_guard(url, args.redis_timeout_ms)?));
    }
    let state = Arc::new(State {
        verifier,
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

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let too_large = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > state.max_body as u64);
    if too_large {
        return Ok(too_large_response());
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, state.max_body).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Ok(too_large_response()),
        Err(_) => {
            return Ok(respond(
                StatusCode::BAD_REQUEST,
                r#"{"message":"Bad Request"}"#,
            ))
        }
    };
    let received = ReceivedRequest {
        method: parts.method.as_str().to_owned(),
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body: body.to_vec(),
    };
    let verified = if state.blocking {
        tokio::task::block_in_place(|| received.verify(&state.verifier))
    } else {
        received.verify(&state.verifier)
    };
    Ok(match verified {
        Ok(key_id) => {
            let body = json!({"ok": true, "key": key_id}).to_string();
            respond(StatusCode::OK, &body)
        }
        Err(error) => refusal(&error, state.explain),
    })
}

/// The Redis replay guard of `--redis`. Redis not answering yet is not an
/// error (it may start later): requests are refused until it does.
fn redis_guard(url: &str, timeout_ms: u64) -> Result<RedisReplayGuard> {
    let guard = RedisReplayGuard::new(url)?.with_timeout(Duration::from_millis(timeout_ms));
    match guard.ping() {
        Ok(()) => eprintln!("replay guard: Redis (timeout {timeout_ms} ms)"),
        Err(e) => eprintln!("warning: {e}: requests are refused (503) until Redis answers"),
    }
    Ok(guard)
}

fn refusal(error: &AuthError, explain: bool) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let body = error.body();
    if !explain {
        return respond(status, &body);
    }
    let mut document: Value = serde_json::from_str(&body).unwrap_or_else(|_| json!({}));
    let expected = error.explanation();
    let explanation = json!({
        "code": error.code().as_str(),
        "status": error.status(),
        "message": error.message(),
        "string_to_sign": expected.and_then(|e| e.string_to_sign.as_deref()),
        "canonical_body": expected.and_then(|e| e.canonical_body.as_deref()),
    });
    if let Value::Object(members) = &mut document {
        members.insert("explain".into(), explanation);
    }
    respond(status, &document.to_string())
}

fn too_large_response() -> Response<Full<Bytes>> {
    respond(
        StatusCode::PAYLOAD_TOO_LARGE,
        r#"{"message":"Payload Too Large"}"#,
    )
}

fn respond(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
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
