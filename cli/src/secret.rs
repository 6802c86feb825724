//! The signing secret: from `--secret` or, to keep it out of shell history
//! and `ps`, from an environment variable named by `--secret-env`.

use std::convert::Infallible;
use std::str::FromStr;

use clap::Args;
use paysig::{Error, Result};
use zeroize::Zeroizing;

/// `--secret SECRET` or `--secret-env VAR`: exactly one is required.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct SecretArgs {
    /// The API secret (private key); visible to `ps` and kept in shell
    /// history: prefer --secret-env.
    // Hyphen values are accepted so that a secret starting with `-` is
    // taken as the value, not echoed back in a usage error.
    #[arg(long, value_name = "SECRET", allow_hyphen_values = true)]
    secret: Option<SecretText>,
    /// The name of an environment variable holding the secret.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
}

impl SecretArgs {
    /// The secret, wiped from memory when dropped.
    pub fn resolve(&self) -> Result<Zeroizing<String>> {
        match (&self.secret, &self.secret_env) {
            (Some(secret), _) => Ok(secret.0.clone()),
            (None, Some(var)) => match std::env::var(var) {
                Ok(value) => Ok(Zeroizing::new(value)),
                Err(std::env::VarError::NotPresent) => Err(Error::invalid_argument(format!(
                    "--secret-env: the environment variable {var} is not set"
                ))),
                Err(std::env::VarError::NotUnicode(_)) => Err(Error::invalid_argument(format!(
                    "--secret-env: the environment variable {var} is not valid UTF-8"
                ))),
            },
            // clap's group makes one of the two required.
            (None, None) => Err(Error::invalid_argument(
                "give the secret with --secret-env VAR or --secret",
            )),
        }
    }

    /// Where the secret came from, for explanations (never the value).
    pub fn source(&self) -> String {
        match &self.secret_env {
            Some(var) => format!("${var}"),
            None => "--secret".to_owned(),
        }
    }
}

/// A secret given on the command line: no `Debug`, zeroized on drop.
#[derive(Clone)]
struct SecretText(Zeroizing<String>);

impl FromStr for SecretText {
    type Err = Infallible;

    fn from_str(text: &str) -> std::result::Result<SecretText, Infallible> {
        Ok(SecretText(Zeroizing::new(text.to_owned())))
    }
}
