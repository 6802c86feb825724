//! `paysig proxy`: a signing sidecar. Clients that cannot load libpaysig
//! (or should not hold the provider's secret) send plain HTTP/1.1 to it;
//! it strips whatever credentials they sent, signs each request with
//! core's signer for the profile that takes it (a fresh nonce each time),
//! forwards it upstream over one pool of kept-alive connections (HTTPS by
//! rustls, or plain HTTP to a local upstream) and streams the answer back
//! unchanged.
//!
//! Listens on 127.0.0.1:8480 by default, and warns loudly when told to
//! listen beyond loopback: whoever reaches the port signs with the
//! secret. Its own answers (limits, unsignable bodies, an upstream that is
//! down or slow) are described in `limits`. SIGINT or SIGTERM stops
//! accepting, lets open requests finish (`--grace`), then exits 0.

mod config;
mod forward;
mod framing;
mod limits;
mod log;
mod nonces;
mod signing;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use paysig::{Error, Result};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;

use config::{parse_scheme, read_secret, FileConfig, ProfileConfig, Route};
use forward::{Upstream, UpstreamClient};
use limits::Refusal;
use log::{Entry, LogFormat};
use nonces::Nonces;
use signing::{Outgoing, SchemeOptions, Signer};

/// The body of every answer: the upstream's, streamed, or the proxy's own.
pub type ProxyBody = UnsyncBoxBody<Bytes, hyper::Error>;

const DEFAULT_LISTEN: &str = "127.0.0.1:8480";
const DEFAULT_MAX_BODY: usize = 10 << 20;
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

#[derive(Args)]
pub struct ProxyArgs {
    /// cryptopay, aquapay, remitquickly, pgprints or onchainpay (one
    /// profile; or give --config).
    #[arg(required_unless_present = "config", conflicts_with = "config")]
    scheme: Option<String>,
    /// Where to forward: `https://host[:port][/base]` (`http://` for a
    /// local upstream).
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "config",
        conflicts_with = "config"
    )]
    upstream: Option<String>,
    /// The API key (OnchainPay: the public key); not for pgprints.
    #[arg(long, value_name = "ID", conflicts_with = "config")]
    key: Option<String>,
    /// The secret (visible to `ps`: prefer --secret-env or --secret-file).
    #[arg(long, value_name = "SECRET", allow_hyphen_values = true,
          conflicts_with_all = ["secret_env", "secret_file", "config"])]
    secret: Option<String>,
    /// The environment variable holding the secret.
    #[arg(long, value_name = "VAR", conflicts_with_all = ["secret_file", "config"])]
    secret_env: Option<String>,
    /// A file holding the secret (a mounted Kubernetes secret, say).
    #[arg(long, value_name = "FILE", conflicts_with = "config")]
    secret_file: Option<PathBuf>,
    /// Cryptopay: the Content-Type signed when a client sends none
    /// [default: application/json].
    #[arg(long, conflicts_with = "config")]
    content_type: Option<String>,
    /// PGPrints: base64 (default) or hex.
    #[arg(long, conflicts_with = "config")]
    encoding: Option<String>,
    /// Where nonces and timestamps come from: process, host, host:DIR or
    /// redis://[:password@]host[:port][/db] (several replicas with one key)
    /// [default: host].
    #[arg(long, value_name = "SOURCE", conflicts_with = "config")]
    nonce_source: Option<String>,
    /// Several profiles, routed by `Host` or path prefix: a TOML file (or
    /// JSON, named *.json). See the README.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where to listen: `HOST:PORT` or `unix:PATH`; repeatable [default:
    /// 127.0.0.1:8480].
    #[arg(long, value_name = "ADDR")]
    listen: Vec<String>,
    /// The health check's path on every listener ("" for none)
    /// [default: /healthz].
    #[arg(long, value_name = "PATH")]
    health_path: Option<String>,
    /// Also answer the health check on this `HOST:PORT` (and nothing else).
    #[arg(long, value_name = "ADDR")]
    health_listen: Option<String>,
    /// The largest request body, in bytes (413 beyond) [default: 10 MiB].
    #[arg(long, value_name = "BYTES")]
    max_body: Option<usize>,
    /// How long the upstream has to answer (its status and headers), in
    /// milliseconds (504 beyond) [default: 30000].
    #[arg(long, value_name = "MS")]
    timeout: Option<u64>,
    /// Trust only the CA certificates in this PEM file for HTTPS upstreams
    /// [default: the Mozilla roots built in].
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// One line per request on stderr: json, text or off [default: json].
    #[arg(long, value_name = "FORMAT")]
    log: Option<String>,
    /// How long open requests may take to finish after SIGTERM, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    grace: u64,
    /// Worker threads [default: one per CPU].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// One scheme with its credentials, upstream and route.
struct Profile {
    name: String,
    route: Route,
    upstream: Upstream,
    signer: Signer,
    nonces: Nonces,
}

struct Proxy {
    profiles: Vec<Profile>,
    client: UpstreamClient,
    /// `None`: no health check on the proxying listeners.
    health_path: Option<String>,
    max_body: usize,
    timeout_ms: u64,
    log: LogFormat,
    /// Request ids for requests that bring none: `PREFIX-N`.
    id_prefix: String,
    next_id: AtomicU64,
}

/// Runs the proxy until SIGINT or SIGTERM.
pub fn main(args: &ProxyArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}: {}", error.code(), error.message());
            ExitCode::from(2)
        }
    }
}

fn run(args: &ProxyArgs) -> Result<()> {
    let file = match &args.config {
        Some(path) => FileConfig::read(path)?,
        None => FileConfig::default(),
    };
    let profiles = profiles(args, &file)?;
    let listen: Vec<String> = if !args.listen.is_empty() {
        args.listen.clone()
    } else if !file.listen.is_empty() {
        file.listen.clone()
    } else {
        vec![DEFAULT_LISTEN.to_owned()]
    };
    let health_path = args
        .health_path
        .clone()
        .or(file.health_path.clone())
        .unwrap_or_else(|| "/healthz".to_owned());
    if !health_path.is_empty() && !health_path.starts_with('/') {
        return Err(Error::invalid_argument("--health-path must start with /"));
    }
    let health_listen = args.health_listen.clone().or(file.health_listen.clone());
    let log = LogFormat::parse(
        args.log
            .as_deref()
            .or(file.log.as_deref())
            .unwrap_or("json"),
    )?;
    let ca_file = args.ca_file.clone().or(file.ca_file.clone());

    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads.max(1));
    }
    let runtime = runtime
        .enable_all()
        .build()
        .map_err(|e| Error::invalid_argument(format!("cannot start the runtime: {e}")))?;
    let _entered = runtime.enter();
    let proxy = Arc::new(Proxy {
        profiles,
        client: forward::client(ca_file.as_deref())?,
        health_path: Some(health_path).filter(|p| !p.is_empty()),
        max_body: args.max_body.or(file.max_body).unwrap_or(DEFAULT_MAX_BODY),
        timeout_ms: args
            .timeout
            .or(file.timeout_ms)
            .unwrap_or(DEFAULT_TIMEOUT_MS),
        log,
        id_prefix: request_id_prefix(),
        next_id: AtomicU64::new(1),
    });
    runtime.block_on(serve(
        proxy,
        &listen,
        health_listen.as_deref(),
        Duration::from_secs(args.grace),
    ))
}

/// The profiles of `--config`, or the one of the command line.
fn profiles(args: &ProxyArgs, file: &FileConfig) -> Result<Vec<Profile>> {
    let configs = match (&args.scheme, &args.config) {
        (Some(scheme), _) => {
            let secret = match &args.secret {
                Some(secret) => zeroize::Zeroizing::new(secret.clone()),
                None => read_secret(
                    args.secret_env.as_deref(),
                    args.secret_file.as_deref(),
                    scheme,
                )?,
            };
            let config = ProfileConfig {
                scheme: scheme.clone(),
                upstream: args.upstream.clone().unwrap_or_default(),
                key: args.key.clone(),
                content_type: args.content_type.clone(),
                encoding: args.encoding.clone(),
                nonce_source: args.nonce_source.clone(),
                ..ProfileConfig::default()
            };
            return Ok(vec![profile(&config, &secret)?]);
        }
        (None, Some(path)) => {
            if file.profiles.is_empty() {
                return Err(Error::invalid_argument(format!(
                    "{}: no [[profile]]",
                    path.display()
                )));
            }
            &file.profiles
        }
        (None, None) => return Err(Error::invalid_argument("give SCHEME or --config FILE")),
    };
    let mut profiles = Vec::with_capacity(configs.len());
    for config in configs {
        let name = config.name.clone().unwrap_or_else(|| config.scheme.clone());
        let secret = read_secret(
            config.secret_env.as_deref(),
            config.secret_file.as_deref(),
            &name,
        )?;
        let built = profile(config, &secret)?;
        if profiles.iter().any(|p: &Profile| p.name == built.name) {
            return Err(Error::invalid_argument(format!(
                "two profiles are named {}: give each a name",
                built.name
            )));
        }
        if let Some(earlier) = profiles.iter().find(|p: &&Profile| p.route.is_catch_all()) {
            return Err(Error::invalid_argument(format!(
                "profile {} takes every request, so profile {} would get none: give it a host or prefix, or put it last",
                earlier.name, built.name
            )));
        }
        profiles.push(built);
    }
    Ok(profiles)
}

fn profile(config: &ProfileConfig, secret: &str) -> Result<Profile> {
    let name = config.name.clone().unwrap_or_else(|| config.scheme.clone());
    let in_profile = |e: Error| Error::new(e.code(), format!("profile {name}: {}", e.message()));
    let scheme = parse_scheme(&config.scheme).map_err(in_profile)?;
    let options = SchemeOptions {
        content_type: config.content_type.clone(),
        encoding: config.encoding.clone(),
    };
    let signer =
        Signer::new(scheme, config.key.as_deref(), secret, &options).map_err(in_profile)?;
    let upstream = Upstream::parse(&config.upstream).map_err(in_profile)?;
    if upstream.is_plain_remote() {
        eprintln!(
            "WARNING: profile {name}: {} is plain HTTP to another machine: signed requests travel unencrypted",
            upstream.url
        );
    }
    let nonces = Nonces::new(
        config.nonce_source.as_deref(),
        scheme,
        config.key.as_deref(),
    )
    .map_err(in_profile)?;
    Ok(Profile {
        route: Route::new(config.host.as_deref(), config.prefix.as_deref()).map_err(in_profile)?,
        name,
        upstream,
        signer,
        nonces,
    })
}

/// A per-process prefix for generated request ids.
fn request_id_prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!(
        "{:08x}",
        (nanos ^ u64::from(std::process::id()).rotate_left(32)) as u32
    )
}

enum Listener {
    Tcp(tokio::net::TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener, PathBuf),
}

async fn bind(address: &str, signs: bool) -> Result<Listener> {
    if let Some(path) = address.strip_prefix("unix:") {
        #[cfg(unix)]
        {
            let path = PathBuf::from(path);
            // A socket left by an earlier run would make bind fail; only a
            // socket is removed, never another kind of file.
            use std::os::unix::fs::FileTypeExt;
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_socket()) {
                std::fs::remove_file(&path).ok();
            }
            let listener = tokio::net::UnixListener::bind(&path).map_err(|e| {
                Error::invalid_argument(format!("cannot listen on {}: {e}", path.display()))
            })?;
            println!("listening on unix:{}", path.display());
            return Ok(Listener::Unix(listener, path));
        }
        #[cfg(not(unix))]
        return Err(Error::invalid_argument(
            "unix: listeners need a Unix system",
        ));
    }
    let socket: SocketAddr = address.parse().map_err(|_| {
        Error::invalid_argument(format!(
            "--listen {address:?}: give HOST:PORT with an IP address (127.0.0.1:8480) or unix:PATH"
        ))
    })?;
    if signs && !socket.ip().is_loopback() {
        eprintln!(
            "WARNING: listening on {socket}, beyond loopback: anyone who can reach this port \
             can send requests signed with your credentials. Restrict it (network policy, \
             firewall) or listen on 127.0.0.1 or a Unix socket."
        );
    }
    let listener = tokio::net::TcpListener::bind(socket)
        .await
        .map_err(|e| Error::invalid_argument(format!("cannot listen on {socket}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::invalid_argument(format!("no local address: {e}")))?;
    println!("listening on http://{bound}");
    Ok(Listener::Tcp(listener))
}

async fn serve(
    proxy: Arc<Proxy>,
    listen: &[String],
    health_listen: Option<&str>,
    grace: Duration,
) -> Result<()> {
    let mut listeners = Vec::new();
    for address in listen {
        listeners.push((bind(address, true).await?, false));
    }
    if let Some(address) = health_listen {
        let listener = bind(address, false).await?;
        listeners.push((listener, true));
    }
    for profile in &proxy.profiles {
        eprintln!(
            "profile {}: {} -> {}",
            profile.name,
            profile.signer_name(),
            profile.upstream.url
        );
    }
    // Whoever started us reads the ports from these lines: flush them now.
    std::io::Write::flush(&mut std::io::stdout()).ok();

    let graceful = Arc::new(GracefulShutdown::new());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut loops = Vec::new();
    for (listener, health_only) in listeners {
        let context = AcceptContext {
            proxy: Arc::clone(&proxy),
            graceful: Arc::clone(&graceful),
            health_only,
        };
        loops.push(tokio::spawn(accept_loop(
            listener,
            context,
            stop_rx.clone(),
        )));
    }
    stop_signal().await;
    eprintln!(
        "stopping: open requests have {} s to finish",
        grace.as_secs()
    );
    let _ = stop_tx.send(true);
    for handle in loops {
        let _ = handle.await;
    }
    // Every accept loop has ended, so this is the last reference.
    if let Ok(graceful) = Arc::try_unwrap(graceful) {
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(grace) => eprintln!("grace period over: closing open requests"),
        }
    }
    eprintln!("stopped");
    Ok(())
}

struct AcceptContext {
    proxy: Arc<Proxy>,
    graceful: Arc<GracefulShutdown>,
    health_only: bool,
}

async fn accept_loop(listener: Listener, context: AcceptContext, mut stop: watch::Receiver<bool>) {
    loop {
        match &listener {
            Listener::Tcp(tcp) => tokio::select! {
                accepted = tcp.accept() => {
                    if let Ok((stream, _)) = accepted {
                        stream.set_nodelay(true).ok();
                        serve_connection(stream, &context);
                    }
                }
                _ = stop.changed() => break,
            },
            #[cfg(unix)]
            Listener::Unix(unix, _) => tokio::select! {
                accepted = unix.accept() => {
                    if let Ok((stream, _)) = accepted {
                        serve_connection(stream, &context);
                    }
                }
                _ = stop.changed() => break,
            },
        }
    }
    #[cfg(unix)]
    if let Listener::Unix(_, path) = &listener {
        std::fs::remove_file(path).ok();
    }
}

fn serve_connection<S>(stream: S, context: &AcceptContext)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let proxy = Arc::clone(&context.proxy);
    let health_only = context.health_only;
    let (stream, findings) = framing::Watched::new(stream);
    let service = service_fn(move |request| {
        let (proxy, findings) = (Arc::clone(&proxy), Arc::clone(&findings));
        async move {
            let mut response = handle(proxy, request, health_only, &findings).await;
            if findings.should_close() || findings.ambiguity().is_some() {
                response
                    .headers_mut()
                    .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok::<_, Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .max_headers(100)
        .max_buf_size(64 * 1024)
        .serve_connection(TokioIo::new(stream), service);
    let watched = context.graceful.watch(connection);
    tokio::spawn(async move {
        // A client that goes away mid-request is not our error.
        let _ = watched.await;
    });
}

/// Resolves on SIGINT or SIGTERM.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = interrupt => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = interrupt.await;
}

impl Profile {
    fn signer_name(&self) -> &'static str {
        match self.signer {
            Signer::Cryptopay { .. } => "cryptopay",
            Signer::Aquapay(_) => "aquapay",
            Signer::RemitQuickly(_) => "remitquickly",
            Signer::PGPrints(_) => "pgprints",
            Signer::OnchainPay(_) => "onchainpay",
        }
    }
}

async fn handle(
    proxy: Arc<Proxy>,
    request: Request<Incoming>,
    health_only: bool,
    findings: &framing::Findings,
) -> Response<ProxyBody> {
    let started = Instant::now();
    let path = request.uri().path();
    let is_health =
        proxy.health_path.as_deref() == Some(path) || (health_only && path == "/healthz");
    if is_health {
        return health(&proxy);
    }
    if health_only {
        return Refusal::NoRoute.response();
    }
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(
            || {
                format!(
                    "{}-{}",
                    proxy.id_prefix,
                    proxy.next_id.fetch_add(1, Ordering::Relaxed)
                )
            },
            str::to_owned,
        );
    let method = request.method().as_str().to_owned();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let mut outcome = Outcome::default();
    let forwarded = match findings.ambiguity() {
        Some(why) => Err(Refusal::AmbiguousLength(why)),
        None => proxy_request(&proxy, request, &request_id, &mut outcome).await,
    };
    let response = match forwarded {
        Ok(response) => response,
        Err(refusal) => {
            outcome.code = refusal.code();
            refusal.response()
        }
    };
    if proxy.log != LogFormat::Off {
        log::write(
            proxy.log,
            &Entry {
                request_id: &request_id,
                profile: outcome.profile,
                method: &method,
                path: &target,
                status: response.status().as_u16(),
                outcome: outcome.code,
                latency: started.elapsed(),
                nonce: outcome.nonce.as_deref(),
            },
        );
    }
    response
}

/// What the log line says besides the request and the status.
struct Outcome<'p> {
    profile: Option<&'p str>,
    nonce: Option<String>,
    /// `upstream` when the status is the upstream's.
    code: &'static str,
}

impl Default for Outcome<'_> {
    fn default() -> Self {
        Outcome {
            profile: None,
            nonce: None,
            code: "upstream",
        }
    }
}

async fn proxy_request<'p>(
    proxy: &'p Proxy,
    request: Request<Incoming>,
    request_id: &str,
    outcome: &mut Outcome<'p>,
) -> std::result::Result<Response<ProxyBody>, Refusal> {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .map(str::to_owned);
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let (profile, rest) = proxy
        .profiles
        .iter()
        .find_map(|p| p.route.take(host.as_deref(), &target).map(|rest| (p, rest)))
        .ok_or(Refusal::NoRoute)?;
    outcome.profile = Some(&profile.name);
    let path = profile.upstream.path(rest);
    let (parts, body) = request.into_parts();
    let body = limits::read_body(&parts.headers, body, proxy.max_body).await?;

    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let outgoing = Outgoing {
        method: parts.method.as_str(),
        path: &path,
        content_type,
        body: &body,
    };
    let signed = if profile.signer.uses_nonce() && profile.nonces.blocks() {
        tokio::task::block_in_place(|| profile.signer.sign(&outgoing, &profile.nonces))
    } else {
        profile.signer.sign(&outgoing, &profile.nonces)
    }
    .map_err(Refusal::from_signing)?;
    outcome.nonce = signed.nonce;

    let mut headers = forward::request_headers(&parts.headers);
    let body = match signed.body {
        Some(text) => {
            // The signed body is canonical JSON: say so if the client did not.
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Bytes::from(text)
        }
        None => body,
    };
    forward::set_signed_headers(&mut headers, signed.headers).map_err(Refusal::Unsignable)?;
    headers.insert(HOST, profile.upstream.host.clone());
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", id);
    }
    let mut upstream_request = Request::new(Full::new(body));
    *upstream_request.method_mut() = parts.method;
    *upstream_request.uri_mut() = profile.upstream.uri(&path).map_err(Refusal::Unsignable)?;
    *upstream_request.headers_mut() = headers;

    let sent = proxy.client.request(upstream_request);
    match tokio::time::timeout(Duration::from_millis(proxy.timeout_ms), sent).await {
        Err(_) => Err(Refusal::Timeout(proxy.timeout_ms)),
        Ok(Err(error)) => Err(Refusal::Unreachable(describe(&error))),
        Ok(Ok(response)) => Ok(forward::response_back(response)),
    }
}

/// The client error's causes, joined: "connection refused" is what an
/// operator needs to read.
fn describe(error: &hyper_util::client::legacy::Error) -> String {
    let mut text = if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        "the exchange failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `{"status":"ok","profiles":[{"name","scheme","upstream"}]}`: no secret,
/// no key id.
fn health(proxy: &Proxy) -> Response<ProxyBody> {
    let profiles: Vec<serde_json::Value> = proxy
        .profiles
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "scheme": p.signer_name(),
                "upstream": p.upstream.url,
            })
        })
        .collect();
    let body = serde_json::json!({"status": "ok", "profiles": profiles});
    let mut response = Response::new(limits::full(body.to_string()));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
