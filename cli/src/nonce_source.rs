//! `--nonce-source process|host[:DIR]|redis://…`: the flag's text made into
//! a nonce source. Shared by every subcommand that signs.

use std::sync::Arc;

use paysig::nonce::{self, HostNonces, NonceSource, ProcessNonces};
use paysig::{Error, Result};
use paysig_replay_redis::RedisNonces;

/// What `--nonce-source` accepts, for help texts.
pub const HELP: &str = "process | host | host:DIR | redis://[:password@]host[:port][/db]";

/// The source named by `text`:
/// - `process`: this process only ([`ProcessNonces`]);
/// - `host`: every process of this user on this machine, in the default
///   directory (`/dev/shm/paysig-UID`; the default of every signer);
/// - `host:DIR`: the same in directory DIR;
/// - `redis://…`, `rediss://…`, `redis+unix://…`: every machine using that
///   Redis ([`RedisNonces`], 250 ms timeouts).
pub fn parse(text: &str) -> Result<Arc<dyn NonceSource>> {
    if text == "process" {
        return Ok(Arc::new(ProcessNonces));
    }
    if text == "host" {
        return Ok(nonce::default_source().clone());
    }
    if let Some(dir) = text.strip_prefix("host:") {
        if dir.is_empty() {
            return Err(Error::invalid_argument(
                "--nonce-source host: needs a directory after the colon",
            ));
        }
        return Ok(Arc::new(HostNonces::new(dir)));
    }
    if ["redis://", "rediss://", "redis+unix://"]
        .iter()
        .any(|scheme| text.starts_with(scheme))
    {
        return Ok(Arc::new(RedisNonces::new(text)?));
    }
    Err(Error::invalid_argument(format!(
        "unknown nonce source (expected {HELP})"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use paysig::nonce::Scope;
    use paysig::{ErrorCode, Scheme};

    const SCOPE: Scope<'static> = Scope {
        scheme: Scheme::Aquapay,
        key_id: "k",
    };

    #[test]
    fn every_kind_is_recognised() {
        assert!(format!("{:?}", parse("process").unwrap()).contains("ProcessNonces"));
        assert!(format!("{:?}", parse("host").unwrap()).contains("HostNonces"));
        let dir = std::env::temp_dir().join(format!("paysig-cli-nonce-{}", std::process::id()));
        let host = parse(&format!("host:{}", dir.display())).unwrap();
        assert!(format!("{host:?}").contains(&dir.display().to_string()));
        host.next_nonce(SCOPE).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let redis = parse("redis://:hunter2@127.0.0.1:1/").unwrap();
        let shown = format!("{redis:?}");
        assert!(
            shown.contains("RedisNonces") && !shown.contains("hunter2"),
            "{shown}"
        );
        // Nothing listens on port 1: loud, with the code of its own.
        assert_eq!(
            redis.next_nonce(SCOPE).unwrap_err().code(),
            ErrorCode::NonceSourceUnavailable
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for text in ["", "Host", "host:", "file:/tmp", "http://x"] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidArgument, "{text}");
        }
    }
}
