//! Access to GitHub for the stores that can use it (tracker, marker variable, secrets).
//!
//! Outside GitHub Actions, or without a token, there is no client: the stores then say what
//! they would have done and carry on, so that a local pipeline never fails for lack of GitHub
//! credentials.

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::github::GitHub;

/// A GitHub client, or why there is none.
#[derive(Debug, Clone)]
pub enum Access {
    /// A client for the repository the run belongs to.
    Ready(GitHub),
    /// Why GitHub cannot be used (outside Actions, a missing token).
    Unavailable(String),
}

impl Access {
    /// A client built from the environment with the token in `token_env`, when cigate runs
    /// inside GitHub Actions and the token and `GITHUB_REPOSITORY` are set.
    ///
    /// # Errors
    ///
    /// [`Error::Github`] when the settings are present but invalid (a malformed
    /// `GITHUB_API_URL` or repository).
    pub fn from_env(token_env: &str, env: &Environment) -> Result<Self> {
        if !env.is_github_actions() {
            return Ok(Access::Unavailable(
                "not running in GitHub Actions".to_owned(),
            ));
        }
        match GitHub::from_env(token_env, |name| env.get(name).map(str::to_owned)) {
            Ok(github) => Ok(Access::Ready(github)),
            Err(error) if error.is_not_configured() => Ok(Access::Unavailable(error.to_string())),
            Err(source) => Err(Error::github("set up the GitHub client", source)),
        }
    }
}

impl Error {
    /// A GitHub failure while doing `action`.
    pub(crate) fn github(action: &str, source: crate::github::Error) -> Self {
        Error::Github {
            action: action.to_owned(),
            source: Box::new(source),
        }
    }
}
