//! The proxy's profiles: which scheme signs, with which credentials, for
//! which upstream, and which incoming requests each one takes (by `Host`,
//! by path prefix, or all of them). Built from the command line (one
//! profile) or from `--config FILE` (TOML or JSON, several profiles).
//!
//! A config file never holds a secret itself: each profile names an
//! environment variable (`secret_env`) or a file (`secret_file`) to read it
//! from, so the file can be committed and mounted freely.

use std::path::{Path, PathBuf};

use paysig::{Error, Result, Scheme};
use serde::Deserialize;
use zeroize::Zeroizing;

/// `--config FILE`: settings for the whole proxy, then `[[profile]]`s.
/// Command-line flags given as well win over the file's values.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    pub listen: Vec<String>,
    pub health_path: Option<String>,
    pub health_listen: Option<String>,
    pub max_body: Option<usize>,
    pub timeout_ms: Option<u64>,
    pub ca_file: Option<PathBuf>,
    pub log: Option<String>,
    #[serde(rename = "profile", default)]
    pub profiles: Vec<ProfileConfig>,
}

/// One `[[profile]]`.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ProfileConfig {
    /// The name in logs [default: the scheme's].
    pub name: Option<String>,
    pub scheme: String,
    /// `https://host[:port][/base]`, or `http://` for a local upstream.
    pub upstream: String,
    /// The API key (OnchainPay: the public key); PGPrints has none.
    pub key: Option<String>,
    /// The environment variable holding the secret.
    pub secret_env: Option<String>,
    /// A file holding the secret (one trailing newline is dropped).
    pub secret_file: Option<PathBuf>,
    /// Take requests whose path starts with this segment; it is removed
    /// before forwarding.
    pub prefix: Option<String>,
    /// Take requests whose `Host` (port ignored) is this.
    pub host: Option<String>,
    /// Where nonces come from: `process`, `host[:DIR]` or `redis://...`.
    pub nonce_source: Option<String>,
    /// Cryptopay: the Content-Type signed when the client sends none.
    pub content_type: Option<String>,
    /// PGPrints: `base64` (default) or `hex`.
    pub encoding: Option<String>,
}

impl FileConfig {
    /// Reads a TOML file, or JSON when the name ends in `.json`. Parse
    /// errors give the position only: the parsers quote the source, and a
    /// careless file might hold a secret.
    pub fn read(path: &Path) -> Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::invalid_argument(format!("cannot read {}: {e}", path.display())))?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json {
            serde_json::from_str(&text).map_err(|e| {
                Error::invalid_argument(format!(
                    "{}: not a proxy config (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                ))
            })
        } else {
            toml::from_str(&text).map_err(|e| {
                let at = e
                    .span()
                    .map(|span| format!(" (at byte {})", span.start))
                    .unwrap_or_default();
                // toml's message without its quoted snippet: the first line.
                let reason = e.message().lines().next().unwrap_or("invalid").to_owned();
                Error::invalid_argument(format!("{}: {reason}{at}", path.display()))
            })
        }
    }
}

/// Which incoming requests a profile takes.
#[derive(Clone, Debug, Default)]
pub struct Route {
    /// Lower case, no port.
    pub host: Option<String>,
    /// Starts with `/`, no trailing `/`.
    pub prefix: Option<String>,
}

impl Route {
    pub fn new(host: Option<&str>, prefix: Option<&str>) -> Result<Route> {
        let host = host.map(|h| h.trim().to_ascii_lowercase());
        if host.as_deref() == Some("") {
            return Err(Error::invalid_argument("a profile's host is empty"));
        }
        let prefix = match prefix {
            None => None,
            Some(p) if !p.starts_with('/') || p.contains(['?', '#']) => {
                return Err(Error::invalid_argument(format!(
                    "the prefix {p:?} must be a path starting with /"
                )))
            }
            Some(p) => Some(p.trim_end_matches('/').to_owned()).filter(|p| !p.is_empty()),
        };
        Ok(Route { host, prefix })
    }

    /// The path to forward when this route takes a request for `host` and
    /// `path` (query included): `path` without the prefix. `None` when the
    /// route does not take it.
    pub fn take<'p>(&self, host: Option<&str>, path: &'p str) -> Option<&'p str> {
        if let Some(wanted) = &self.host {
            let host = host?;
            let name = host_without_port(host);
            if !name.eq_ignore_ascii_case(wanted) {
                return None;
            }
        }
        match &self.prefix {
            None => Some(path),
            Some(prefix) => {
                let rest = path.strip_prefix(prefix.as_str())?;
                // Whole segments only: /cp takes /cp, /cp/x and /cp?q, not /cpx.
                (rest.is_empty() || rest.starts_with(['/', '?'])).then_some(rest)
            }
        }
    }

    /// Takes every request.
    pub fn is_catch_all(&self) -> bool {
        self.host.is_none() && self.prefix.is_none()
    }
}

/// `example.com:443` → `example.com`, `[::1]:80` → `[::1]`.
fn host_without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// The secret named by a profile, wiped from memory when dropped.
pub fn read_secret(
    env: Option<&str>,
    file: Option<&Path>,
    profile: &str,
) -> Result<Zeroizing<String>> {
    match (env, file) {
        (Some(_), Some(_)) => Err(Error::invalid_argument(format!(
            "profile {profile}: give secret_env or secret_file, not both"
        ))),
        (Some(var), None) => match std::env::var(var) {
            Ok(value) => Ok(Zeroizing::new(value)),
            Err(_) => Err(Error::invalid_argument(format!(
                "profile {profile}: the environment variable {var} is not set (or not UTF-8)"
            ))),
        },
        (None, Some(path)) => {
            let mut text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                Error::invalid_argument(format!(
                    "profile {profile}: cannot read the secret file {}: {e}",
                    path.display()
                ))
            })?);
            // An editor's or `echo`'s trailing newline is not part of it.
            let len = text.trim_end_matches(['\n', '\r']).len();
            text.truncate(len);
            Ok(text)
        }
        (None, None) => Err(Error::invalid_argument(format!(
            "profile {profile}: no secret: give secret_env or secret_file (--secret-env or --secret-file)"
        ))),
    }
}

/// A scheme name; `cryptopay-callback` is not a request scheme.
pub fn parse_scheme(name: &str) -> Result<Scheme> {
    name.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_whole_prefix_segments_and_host() {
        let by_prefix = Route::new(None, Some("/cp/")).unwrap();
        assert_eq!(by_prefix.take(None, "/cp/api/x?y=1"), Some("/api/x?y=1"));
        assert_eq!(by_prefix.take(None, "/cp"), Some(""));
        assert_eq!(by_prefix.take(None, "/cp?a"), Some("?a"));
        assert_eq!(by_prefix.take(None, "/cpx/api"), None);
        let by_host = Route::new(Some("Pay.Local"), None).unwrap();
        assert_eq!(by_host.take(Some("pay.local:8480"), "/a"), Some("/a"));
        assert_eq!(by_host.take(Some("other.local"), "/a"), None);
        assert_eq!(by_host.take(None, "/a"), None);
        assert!(Route::new(None, None).unwrap().is_catch_all());
        assert!(Route::new(None, Some("cp")).is_err());
    }

    #[test]
    fn reads_toml_and_json_profiles() {
        let dir = std::env::temp_dir().join(format!("paysig-proxy-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let toml_path = dir.join("p.toml");
        std::fs::write(
            &toml_path,
            "listen = [\"127.0.0.1:0\"]\n[[profile]]\nscheme = \"aquapay\"\nupstream = \"http://127.0.0.1:1\"\nkey = \"k\"\nsecret_env = \"X\"\nprefix = \"/aq\"\n",
        )
        .unwrap();
        let config = FileConfig::read(&toml_path).unwrap();
        assert_eq!(config.profiles.len(), 1);
        assert_eq!(config.profiles[0].prefix.as_deref(), Some("/aq"));
        let json_path = dir.join("p.json");
        std::fs::write(
            &json_path,
            r#"{"profile":[{"scheme":"pgprints","upstream":"http://127.0.0.1:1","secret_file":"/s"}]}"#,
        )
        .unwrap();
        assert_eq!(
            FileConfig::read(&json_path).unwrap().profiles[0].scheme,
            "pgprints"
        );
        // An unknown key (a secret written inline, say) is refused without
        // quoting the file.
        std::fs::write(
            &toml_path,
            "[[profile]]\nscheme = \"aquapay\"\nupstream = \"x\"\nsecret = \"hunter2\"\n",
        )
        .unwrap();
        let error = FileConfig::read(&toml_path).err().expect("refused");
        assert!(!error.message().contains("hunter2"), "{}", error.message());
        std::fs::remove_dir_all(&dir).ok();
    }

    /// The README's example config is one this parser takes.
    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../../../README.md");
        let section = &readme[readme.find("## `paysig proxy`").expect("the section")..];
        let block = section
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("a toml block");
        let config: FileConfig = toml::from_str(block).expect("parses");
        assert_eq!(config.profiles.len(), 2);
        assert_eq!(
            config.profiles[0].nonce_source.as_deref(),
            Some("redis://paysig-redis:6379/0")
        );
        for profile in &config.profiles {
            assert!(parse_scheme(&profile.scheme).is_ok());
            let route = Route::new(profile.host.as_deref(), profile.prefix.as_deref()).unwrap();
            assert!(!route.is_catch_all());
        }
    }

    #[test]
    fn secret_files_lose_one_trailing_newline_only() {
        let path = std::env::temp_dir().join(format!("paysig-proxy-secret-{}", std::process::id()));
        std::fs::write(&path, "s3cret \n").unwrap();
        assert_eq!(
            read_secret(None, Some(&path), "p").unwrap().as_str(),
            "s3cret "
        );
        std::fs::remove_file(&path).ok();
        let error = read_secret(Some("PAYSIG_PROXY_TEST_UNSET_VAR"), None, "p")
            .err()
            .unwrap();
        assert!(error.message().contains("PAYSIG_PROXY_TEST_UNSET_VAR"));
    }
}
