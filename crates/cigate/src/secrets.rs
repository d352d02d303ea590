//! Session caching in CI (F6, the CI half): writing a refreshed session back as repository
//! secrets.
//!
//! The tests write a session file (`{"token", "user_id", "email", "expires_at"}`). When a value
//! differs from what the environment holds under the secret's name, the secret is updated
//! through the REST API, sealed with the repository's public key. Without a token that may
//! write secrets, a warning says how to configure one. Values are never printed: only names.

use std::collections::BTreeMap;
use std::path::Path;

use secrecy::SecretString;

use crate::config::SecretsConfig;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::event::Masked;
use crate::github_access::Access;

/// The values of a session file, by key. `Debug` shows keys only.
#[derive(Clone, Default)]
pub struct Session {
    values: BTreeMap<String, String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_set().entries(self.values.keys()).finish()
    }
}

impl Session {
    /// Reads a session file: a JSON object whose string (or number) values are kept.
    ///
    /// # Errors
    ///
    /// [`Error::Read`] or [`Error::Json`] naming the file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let object: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&text).map_err(|source| Error::Json {
                path: path.to_owned(),
                source,
            })?;
        let values = object
            .into_iter()
            .filter_map(|(key, value)| match value {
                serde_json::Value::String(text) => Some((key, text)),
                serde_json::Value::Number(number) => Some((key, number.to_string())),
                _ => None,
            })
            .collect();
        Ok(Self { values })
    }
}

/// What a sync found and did. Lists hold secret names, never values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncReport {
    /// Secrets written.
    pub updated: Vec<String>,
    /// Secrets whose value did not change.
    pub unchanged: Vec<String>,
    /// Session keys from `[secrets] map` that the session file lacks.
    pub missing: Vec<String>,
    /// Secrets that changed but could not be written, and why.
    pub not_written: Option<(Vec<String>, String)>,
}

/// The values to mask before anything else is printed: every mapped session value.
pub fn masks(session: &Session, config: &SecretsConfig) -> Vec<Masked> {
    config
        .map
        .keys()
        .filter_map(|key| session.values.get(key))
        .filter(|value| value.chars().count() >= crate::redaction::MIN_SECRET_LEN)
        .map(|value| Masked(value.clone()))
        .collect()
}

/// Updates the repository secrets whose session value changed.
///
/// `access` should carry the token named by `[secrets] token_env`.
///
/// # Errors
///
/// [`Error::Github`] when GitHub refuses a write.
pub async fn sync(
    session: &Session,
    config: &SecretsConfig,
    env: &Environment,
    access: &Access,
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let mut changed = Vec::new();
    for (key, secret_name) in &config.map {
        let Some(value) = session.values.get(key) else {
            report.missing.push(key.clone());
            continue;
        };
        if env.get(secret_name) == Some(value.as_str()) {
            report.unchanged.push(secret_name.clone());
        } else {
            changed.push((secret_name.clone(), value.clone()));
        }
    }
    if changed.is_empty() {
        return Ok(report);
    }
    match access {
        Access::Unavailable(reason) => {
            report.not_written = Some((
                changed.into_iter().map(|(name, _)| name).collect(),
                reason.clone(),
            ));
        }
        Access::Ready(github) => {
            let secrets = github.secrets();
            let key = secrets.public_key().await.map_err(|source| {
                Error::github("fetch the repository's public key for secrets", source)
            })?;
            for (name, value) in changed {
                secrets
                    .put(&key, &name, &SecretString::from(value))
                    .await
                    .map_err(|source| Error::github(&format!("update secret `{name}`"), source))?;
                report.updated.push(name);
            }
        }
    }
    Ok(report)
}

/// The warning shown when changed secrets could not be written.
pub fn missing_token_warning(names: &[String], reason: &str, token_env: &str) -> String {
    format!(
        "the session changed ({}) but the secrets were not updated: {reason}. \
         To update them automatically, store a token allowed to write Actions secrets \
         (a fine-grained personal access token with \"Secrets: read and write\") as the \
         repository secret `{token_env}` and pass it to this step as `{token_env}` \
         (or name another variable in [secrets] token_env)",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SecretsConfig {
        crate::config::Config::parse(Path::new("cigate.toml"), "")
            .unwrap()
            .secrets
    }

    #[tokio::test]
    async fn only_changed_values_are_written_and_values_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        std::fs::write(
            &path,
            r#"{"token": "new-token-123", "user_id": "u-1", "email": "a@b.c", "expires_at": "2026-01-02T00:00:00Z"}"#,
        )
        .unwrap();
        let session = Session::load(&path).unwrap();
        assert!(!format!("{session:?}").contains("new-token-123"));
        let env = Environment::from_pairs([
            ("MOOGO_CACHED_TOKEN", "old-token"),
            ("MOOGO_CACHED_USER_ID", "u-1"),
        ]);
        let access = Access::Unavailable("PAT_TOKEN not set".to_owned());
        let report = sync(&session, &config(), &env, &access).await.unwrap();
        assert_eq!(report.unchanged, ["MOOGO_CACHED_USER_ID"]);
        let (names, reason) = report.not_written.clone().unwrap();
        assert_eq!(names, ["MOOGO_CACHED_EXPIRES", "MOOGO_CACHED_TOKEN"]);
        let warning = missing_token_warning(&names, &reason, "PAT_TOKEN");
        assert!(!warning.contains("new-token-123"));
        assert!(!format!("{report:?}").contains("new-token-123"));
        let masks = masks(&session, &config());
        assert_eq!(
            masks.len(),
            2,
            "token and expiry; the short user id is not masked"
        );
    }
}
