//! Sending signed requests upstream and their answers back.
//!
//! One hyper-util client per proxy keeps connections to each upstream
//! alive and reuses them; HTTPS goes over rustls (the `ring` provider),
//! trusting the compiled-in Mozilla roots or only the CAs of `--ca-file`.
//! The answer's status, headers (less hop-by-hop ones) and body bytes are
//! passed back as they arrive.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, HOST};
use hyper::{Response, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use paysig::{Error, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use super::ProxyBody;

pub type UpstreamClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The client for every upstream: kept-alive connections, TLS by rustls.
pub fn client(ca_file: Option<&Path>) -> Result<UpstreamClient> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certificates = CertificateDer::pem_file_iter(path).map_err(|e| {
                Error::invalid_argument(format!("--ca-file {}: {e}", path.display()))
            })?;
            for certificate in certificates {
                let certificate = certificate.map_err(|e| {
                    Error::invalid_argument(format!("--ca-file {}: {e}", path.display()))
                })?;
                roots.add(certificate).map_err(|e| {
                    Error::invalid_argument(format!("--ca-file {}: {e}", path.display()))
                })?;
            }
            if roots.is_empty() {
                return Err(Error::invalid_argument(format!(
                    "--ca-file {}: no certificate in it",
                    path.display()
                )));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid_argument(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    // https:// URLs pass through this connector before TLS wraps them.
    http.enforce_http(false);
    // A request head and its body are small writes: Nagle would hold the
    // second until the first is acknowledged.
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(10)));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .build(connector))
}

/// Where a profile forwards to: `https://host[:port][/base]`.
pub struct Upstream {
    /// `https://host:port`, no path.
    origin: String,
    /// The base path, no trailing `/` (often empty).
    base_path: String,
    /// The `Host` header sent upstream.
    pub host: HeaderValue,
    pub url: String,
}

impl Upstream {
    pub fn parse(url: &str) -> Result<Upstream> {
        // Error messages quote the URL, unless it may hold a password.
        let shown = if url.contains('@') { "(withheld)" } else { url };
        let uri: Uri = url
            .parse()
            .map_err(|_| Error::invalid_argument(format!("the upstream {shown:?} is not a URL")))?;
        let scheme = uri.scheme_str().unwrap_or("");
        if scheme != "https" && scheme != "http" {
            return Err(Error::invalid_argument(format!(
                "the upstream {shown:?} must start with https:// (or http:// for a local one)"
            )));
        }
        let authority = uri.authority().ok_or_else(|| {
            Error::invalid_argument(format!("the upstream {shown:?} has no host"))
        })?;
        if authority.as_str().contains('@') {
            // Credentials in a URL end up in logs and /healthz: refused.
            return Err(Error::invalid_argument(
                "the upstream URL holds credentials (user@): give secrets by environment or file",
            ));
        }
        if uri.query().is_some() {
            return Err(Error::invalid_argument(format!(
                "the upstream {shown:?} has a query string: give only scheme, host and base path"
            )));
        }
        let host = HeaderValue::from_str(authority.as_str())
            .map_err(|_| Error::invalid_argument("the upstream's host is not a header value"))?;
        Ok(Upstream {
            origin: format!("{scheme}://{authority}"),
            base_path: uri.path().trim_end_matches('/').to_owned(),
            host,
            url: url.to_owned(),
        })
    }

    /// Whether it is reached over plain HTTP to another machine.
    pub fn is_plain_remote(&self) -> bool {
        let Some(rest) = self.origin.strip_prefix("http://") else {
            return false;
        };
        let host = rest.rsplit_once(':').map_or(rest, |(h, _)| h);
        !(host == "localhost" || host == "[::1]" || host.starts_with("127."))
    }

    /// The path sent upstream for `path` (what the profile's route left of
    /// the incoming path and query): the base path, then it.
    pub fn path(&self, path: &str) -> String {
        let mut full = String::with_capacity(self.base_path.len() + path.len() + 1);
        full.push_str(&self.base_path);
        if !path.starts_with('/') {
            full.push('/');
        }
        full.push_str(path);
        full
    }

    pub fn uri(&self, path: &str) -> Result<Uri> {
        format!("{}{path}", self.origin)
            .parse()
            .map_err(|_| Error::invalid_argument("the request path is not a valid URI path"))
    }
}

/// Headers that describe one connection, not the message (RFC 9110 7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-authenticate",
];

/// Credentials a client may have sent, and every header any of the five
/// schemes signs: the proxy's signature replaces them, and none of the
/// client's may go upstream beside it.
const CLIENT_AUTH: [&str; 13] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "x-signature",
    "x-nonce",
    "apikey",
    "payload",
    "signature",
    "x-pgprints-hmac-sha256",
    "x-api-public-key",
    "x-api-signature",
    "x-cryptopay-signature",
];

/// The client's headers to send upstream: without hop-by-hop ones (and
/// those `Connection` names), its credentials, `Host`, `Expect` and the
/// body's framing (the proxy sends its own `Content-Length`).
pub fn request_headers(incoming: &HeaderMap) -> HeaderMap {
    let named_by_connection: Vec<String> = incoming
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    let mut headers = HeaderMap::with_capacity(incoming.len() + 4);
    for (name, value) in incoming {
        let name_str = name.as_str();
        let dropped = HOP_BY_HOP.contains(&name_str)
            || CLIENT_AUTH.contains(&name_str)
            || name == HOST
            || name_str == "content-length"
            || name_str == "expect"
            || name_str == "date"
            || named_by_connection.iter().any(|n| n == name_str);
        if !dropped {
            headers.append(name.clone(), value.clone());
        }
    }
    headers
}

/// Sets the scheme's headers, replacing any of the same name.
pub fn set_signed_headers(
    headers: &mut HeaderMap,
    signed: Vec<(&'static str, String)>,
) -> Result<()> {
    for (name, value) in signed {
        let value = HeaderValue::try_from(value)
            .map_err(|_| Error::invalid_argument(format!("the {name} header is not sendable")))?;
        // from_bytes lower-cases the schemes' spellings (X-PGPrints-...).
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_argument(format!("{name} is not a header name")))?;
        headers.insert(name, value);
    }
    Ok(())
}

/// The upstream's answer as the client gets it: the same status, headers
/// less hop-by-hop ones (hyper frames the body to the client itself) and
/// the body streamed as it arrives.
pub fn response_back(response: Response<Incoming>) -> Response<ProxyBody> {
    let (mut parts, body) = response.into_parts();
    for name in [
        "connection",
        "keep-alive",
        "proxy-connection",
        "upgrade",
        "te",
        "trailer",
    ] {
        parts.headers.remove(name);
    }
    Response::from_parts(parts, body.boxed_unsync())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_paths_keep_the_base() {
        let upstream = Upstream::parse("https://api.example:8443/v1/").unwrap();
        assert_eq!(upstream.path("/pay?x=1"), "/v1/pay?x=1");
        assert_eq!(upstream.path("?x=1"), "/v1/?x=1");
        assert_eq!(upstream.host, "api.example:8443");
        assert_eq!(
            upstream.uri("/v1/pay").unwrap().to_string(),
            "https://api.example:8443/v1/pay"
        );
        assert!(!upstream.is_plain_remote());
        assert!(Upstream::parse("http://10.0.0.1:80")
            .unwrap()
            .is_plain_remote());
        assert!(!Upstream::parse("http://127.0.0.1:80")
            .unwrap()
            .is_plain_remote());
        assert!(Upstream::parse("ftp://x").is_err());
        assert!(Upstream::parse("https://x/?q=1").is_err());
        for url in ["https://u:hunter2@x/", "ftp://u:hunter2@x/"] {
            let error = Upstream::parse(url).err().unwrap();
            assert!(!error.message().contains("hunter2"), "{}", error.message());
        }
    }

    #[test]
    fn client_credentials_and_framing_stay_behind() {
        let mut incoming = HeaderMap::new();
        for (name, value) in [
            ("authorization", "HMAC k:forged"),
            ("x-api-signature", "forged"),
            ("content-length", "5"),
            ("connection", "keep-alive, x-hop"),
            ("x-hop", "1"),
            ("host", "proxy.local"),
            ("accept", "application/json"),
            ("x-request-id", "abc"),
        ] {
            incoming.append(name, HeaderValue::from_static(value));
        }
        let headers = request_headers(&incoming);
        let names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["accept", "x-request-id"]);
    }
}
