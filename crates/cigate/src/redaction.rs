//! Redaction of secret values from kept logs, evidence and summaries (F6).
//!
//! The values come from the environment variables named by `[secrets] redact_env`. Values
//! shorter than [`MIN_SECRET_LEN`] are left alone: redacting `1` or `ab` would mangle every
//! log without protecting anything.

use std::borrow::Cow;

use crate::environment::Environment;
use crate::event::Masked;

/// The shortest value that is redacted.
pub const MIN_SECRET_LEN: usize = 4;

/// What replaces a secret value.
pub const REDACTED: &str = "***";

/// Replaces known secret values in text. `Debug` shows how many, never which.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// A redactor for the values of the variables `names` in `env`.
    pub fn from_env(names: &[String], env: &Environment) -> Self {
        Self::new(
            names
                .iter()
                .filter_map(|name| env.get(name))
                .map(str::to_owned),
        )
    }

    /// A redactor for `values`.
    ///
    /// # Examples
    ///
    /// ```
    /// let redactor = cigate::redaction::Redactor::new(["hunter22".to_owned()]);
    /// assert_eq!(redactor.redact("password=hunter22"), "password=***");
    /// ```
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = values
            .into_iter()
            .map(|value| value.trim().to_owned())
            .filter(|value| value.chars().count() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so that a secret containing another is replaced whole.
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self { secrets }
    }

    /// `text` with every known secret replaced by [`REDACTED`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
        text
    }

    /// The values to mask in CI logs.
    pub fn masks(&self) -> impl Iterator<Item = Masked> + '_ {
        self.secrets.iter().cloned().map(Masked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(secrets: &[&str], input: &str, expected: &str) {
        let redactor = Redactor::new(secrets.iter().map(|s| (*s).to_owned()));
        assert_eq!(redactor.redact(input), expected);
    }

    #[test]
    fn redacts_known_values() {
        check(
            &["s3cret-token"],
            "token=s3cret-token; again s3cret-token",
            "token=***; again ***",
        );
        check(&["abc", "s3cret"], "abc s3cret", "abc ***");
        check(&["token", "token-long"], "token-long token", "*** ***");
        check(&[], "nothing", "nothing");
    }

    #[test]
    fn reads_values_from_the_environment_and_hides_them_in_debug() {
        let env = Environment::from_pairs([("MOOGO_PASSWORD", "correct horse"), ("EMPTY", "")]);
        let redactor = Redactor::from_env(
            &["MOOGO_PASSWORD".into(), "EMPTY".into(), "UNSET".into()],
            &env,
        );
        assert_eq!(redactor.redact("login correct horse"), "login ***");
        assert_eq!(format!("{redactor:?}"), "Redactor(1 secrets)");
        assert_eq!(
            format!("{:?}", redactor.masks().next().unwrap()),
            "Masked(***)"
        );
    }
}
