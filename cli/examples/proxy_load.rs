//! A bounded load client for BENCHMARKS.md's proxy section: sends exactly
//! `--requests` POSTs of one JSON body over `--concurrency` kept-alive
//! HTTP/1.1 connections, and prints requests/s and the latency
//! percentiles. With `--sign-pgprints-env VAR` it signs each request
//! itself (PGPrints, with core): the direct baseline against `paysig
//! serve`; without it, the requests go unsigned (to `paysig proxy`).
//!
//!   cargo run --release -p paysig-cli --example proxy_load -- \
//!     --url http://127.0.0.1:8480/pay --requests 100000 --concurrency 32

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use paysig::schemes::{Body, PGPrints};

struct Options {
    url: hyper::Uri,
    requests: usize,
    concurrency: usize,
    body: String,
    signer: Option<PGPrints>,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        url: "http://127.0.0.1:8480/".parse().expect("URL"),
        requests: 10_000,
        concurrency: 32,
        body: r#"{"amount":"100.00","currency":"EUR","order":{"id":12345,"lines":[1,2,3]}}"#
            .to_owned(),
        signer: None,
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => options.url = value.parse().expect("a URL"),
            "--requests" => options.requests = value.parse().expect("a count"),
            "--concurrency" => options.concurrency = value.parse().expect("a count"),
            "--body" => options.body = value,
            "--sign-pgprints-env" => {
                let secret = std::env::var(&value).expect("the secret's variable");
                options.signer = Some(PGPrints::new(&secret).expect("a signer"));
            }
            other => panic!("unknown option {other}"),
        }
    }
    options
}

fn main() {
    let options = Arc::new(options());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let latencies: Vec<u32> = runtime.block_on(async {
        let tasks: Vec<_> = (0..options.concurrency)
            .map(|_| tokio::spawn(connection(Arc::clone(&options), Arc::clone(&next))))
            .collect();
        let mut all = Vec::with_capacity(options.requests);
        for task in tasks {
            all.extend(task.await.expect("a connection task"));
        }
        all
    });
    let elapsed = started.elapsed();
    let mut sorted = latencies;
    sorted.sort_unstable();
    let at = |q: f64| {
        let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
        f64::from(sorted[i]) / 1000.0
    };
    println!(
        "requests {} concurrency {} seconds {:.2} req/s {:.0} p50_ms {:.3} p90_ms {:.3} p99_ms {:.3} p999_ms {:.3} max_ms {:.3}",
        sorted.len(),
        options.concurrency,
        elapsed.as_secs_f64(),
        sorted.len() as f64 / elapsed.as_secs_f64(),
        at(0.50),
        at(0.90),
        at(0.99),
        at(0.999),
        at(1.0),
    );
}

/// One kept-alive connection sending requests until the count is reached;
/// the latency of each in microseconds. Any answer but 200 stops the run.
async fn connection(options: Arc<Options>, next: Arc<AtomicUsize>) -> Vec<u32> {
    let authority = options.url.authority().expect("a host").clone();
    let stream = tokio::net::TcpStream::connect(authority.as_str())
        .await
        .expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let path = options
        .url
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut latencies = Vec::new();
    while next.fetch_add(1, Ordering::Relaxed) < options.requests {
        let sent = Instant::now();
        let mut request = Request::post(path.as_str())
            .header("host", authority.as_str())
            .header("content-type", "application/json");
        let body = match &options.signer {
            Some(signer) => {
                let signed = signer.sign(Body::Text(&options.body)).expect("signs");
                for (name, value) in &signed.headers {
                    request = request.header(*name, value.as_str());
                }
                signed.body.unwrap_or_default()
            }
            None => options.body.clone(),
        };
        let request = request.body(Full::new(Bytes::from(body))).expect("request");
        sender.ready().await.expect("connection ready");
        let response = sender.send_request(request).await.expect("an answer");
        let status = response.status();
        let body = response.into_body().collect().await.expect("a body");
        assert_eq!(status, 200, "{:?}", body.to_bytes());
        latencies.push(sent.elapsed().as_micros() as u32);
    }
    latencies
}
