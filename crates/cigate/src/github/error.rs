//! The error type of the GitHub client.
//!
//! Invariant: no variant holds the token or a secret value, so `Display` and `Debug` can never
//! leak them.

use std::fmt;

/// A result whose error is a GitHub client [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while talking to GitHub's REST API.
///
/// Callers branch on meaning through [`Error::is_not_configured`], [`Error::is_not_found`],
/// [`Error::is_transient`] and [`Error::status`], and show [`Error::hint`] to people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The environment lacks what the client needs (a token, the repository).
    #[error("GitHub access is not configured: {} not set", Missing(.missing))]
    NotConfigured {
        /// The environment variables that were unset or empty.
        missing: Vec<String>,
    },

    /// The API base URL is not an absolute `http`/`https` URL.
    #[error("invalid GitHub API URL `{value}`: {reason}")]
    InvalidApiUrl {
        /// The URL as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The repository is not of the form `owner/name`.
    #[error("invalid GitHub repository `{value}`: expected `owner/name`")]
    InvalidRepository {
        /// The repository as given.
        value: String,
    },

    /// The token contains characters that cannot be sent in an HTTP header.
    #[error("the GitHub token contains characters that cannot be sent in an HTTP header")]
    InvalidToken,

    /// A variable or secret name that GitHub would reject.
    #[error("invalid {kind} name `{name}`: {reason}")]
    InvalidName {
        /// `variable` or `secret`.
        kind: &'static str,
        /// The name as given.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },

    /// The repository public key served by GitHub cannot be used for sealing.
    #[error("invalid repository public key `{key_id}`: {reason}")]
    InvalidPublicKey {
        /// GitHub's identifier of the key.
        key_id: String,
        /// What is wrong with it.
        reason: String,
    },

    /// Sealing a secret value failed.
    #[error("could not seal the value of secret `{name}`")]
    Seal {
        /// The secret's name (never its value).
        name: String,
    },

    /// The HTTP client could not be built.
    #[error("could not set up the HTTP client for GitHub")]
    ClientSetup {
        /// The cause.
        #[source]
        source: reqwest::Error,
    },

    /// The request did not reach GitHub or the answer was cut off.
    #[error("could not send `{method} {path}` to GitHub")]
    Transport {
        /// The HTTP method.
        method: String,
        /// The path below the API base URL.
        path: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },

    /// GitHub answered with an HTTP error status.
    #[error("`{method} {path}` failed with HTTP {status}{}: {message}", Reason(*.status))]
    Status {
        /// The HTTP method.
        method: String,
        /// The path below the API base URL.
        path: String,
        /// The HTTP status code.
        status: u16,
        /// GitHub's `message` (with validation details), or the start of the body.
        message: String,
        /// What to do about it, when known.
        hint: Option<&'static str>,
    },

    /// GitHub answered with success but a body that does not have the documented shape.
    #[error("could not read GitHub's answer to `{method} {path}`")]
    Decode {
        /// The HTTP method.
        method: String,
        /// The path below the API base URL.
        path: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// Whether the environment lacks a token or repository, so the caller should only say what it
    /// would have done.
    pub fn is_not_configured(&self) -> bool {
        matches!(self, Error::NotConfigured { .. })
    }

    /// Whether GitHub answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether trying again later may succeed: a transport failure, a 5xx answer or a 429.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The HTTP status GitHub answered with, if the error is an HTTP error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A sentence telling a person how to fix the problem, when one is known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NotConfigured { missing } => Some(format!(
                "set {} (GitHub Actions sets `GITHUB_REPOSITORY`; pass the token to the step \
                 with `env:`)",
                Missing(missing)
            )),
            Error::Status { hint, .. } => hint.map(str::to_owned),
            Error::InvalidToken => Some(
                "check the token's value: a line break or space may have been pasted with it"
                    .to_owned(),
            ),
            Error::InvalidRepository { .. } => {
                Some("set `GITHUB_REPOSITORY` to `owner/name`, e.g. `octo-org/widgets`".to_owned())
            }
            _ => None,
        }
    }
}

/// Which part of the API a request belongs to, so that errors can name the missing permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Area {
    Issues,
    Variables,
    Secrets,
}

impl Area {
    /// The hint for a status GitHub answered with, when one is known.
    pub(crate) fn hint(self, status: u16, message: &str) -> Option<&'static str> {
        let rate_limited = message.to_ascii_lowercase().contains("rate limit");
        match status {
            401 => Some(
                "GitHub rejected the token: check that it is set, complete and not expired or \
                 revoked",
            ),
            403 | 429 if rate_limited => Some(
                "GitHub's own API rate limit for this token is used up: wait for it to reset \
                 (see the `x-ratelimit-reset` header) and try again",
            ),
            403 => Some(self.permission_hint()),
            404 => Some(match self {
                Area::Issues => {
                    "check `GITHUB_REPOSITORY` (`owner/name`) and `GITHUB_API_URL`; GitHub also \
                     answers 404 when the token cannot see the repository or lacks the \
                     `issues: write` permission"
                }
                Area::Variables => {
                    "check `GITHUB_REPOSITORY` (`owner/name`) and `GITHUB_API_URL`; GitHub also \
                     answers 404 when the token cannot see the repository or lacks the \
                     \"Variables\" repository permission"
                }
                Area::Secrets => {
                    "check `GITHUB_REPOSITORY` (`owner/name`) and `GITHUB_API_URL`; GitHub also \
                     answers 404 when the token cannot see the repository or lacks the \
                     \"Secrets\" repository permission"
                }
            }),
            _ => None,
        }
    }

    fn permission_hint(self) -> &'static str {
        match self {
            Area::Issues => {
                "the token lacks the `issues: write` permission: add `permissions: issues: write` \
                 to the workflow job, or use a token with the \"Issues\" repository permission \
                 (read and write)"
            }
            Area::Variables => {
                "the token lacks the actions variables write permission: `GITHUB_TOKEN` cannot \
                 write repository variables; use a fine-grained personal access token with the \
                 \"Variables\" repository permission (read and write), or a classic one with the \
                 `repo` scope"
            }
            Area::Secrets => {
                "the token cannot write Actions secrets: `GITHUB_TOKEN` never can; use a \
                 fine-grained personal access token with the \"Secrets\" repository permission \
                 (read and write), or a classic one with the `repo` scope, stored as a secret \
                 such as `PAT_TOKEN`"
            }
        }
    }
}

/// Renders a list of environment variable names as "`A` is" or "`A`, `B` are".
struct Missing<'a>(&'a [String]);

impl fmt::Display for Missing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, name) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(if index + 1 == self.0.len() {
                    " and "
                } else {
                    ", "
                })?;
            }
            write!(f, "`{name}`")?;
        }
        f.write_str(if self.0.len() == 1 { " is" } else { " are" })
    }
}

/// Renders the canonical reason phrase of a status code with a leading space, if it has one.
struct Reason(u16);

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.0)
            .ok()
            .and_then(|status| status.canonical_reason());
        match reason {
            Some(reason) => write!(f, " {reason}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_configured_names_every_missing_variable() {
        let check = |missing: &[&str], expected: &str| {
            let error = Error::NotConfigured {
                missing: missing.iter().map(|name| name.to_string()).collect(),
            };
            assert_eq!(error.to_string(), expected);
        };
        check(
            &["GITHUB_TOKEN"],
            "GitHub access is not configured: `GITHUB_TOKEN` is not set",
        );
        check(
            &["PAT_TOKEN", "GITHUB_REPOSITORY"],
            "GitHub access is not configured: `PAT_TOKEN` and `GITHUB_REPOSITORY` are not set",
        );
    }

    #[test]
    fn rate_limit_answers_get_the_rate_limit_hint() {
        let hint = Area::Issues
            .hint(403, "API rate limit exceeded for installation")
            .unwrap();
        assert!(hint.contains("rate limit"), "{hint}");
        let hint = Area::Issues
            .hint(403, "Resource not accessible by integration")
            .unwrap();
        assert!(hint.contains("issues: write"), "{hint}");
        assert_eq!(Area::Secrets.hint(422, "Validation Failed"), None);
    }
}
