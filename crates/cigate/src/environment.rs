//! A snapshot of the environment variables cigate reads.
//!
//! Library code never calls `std::env::var`: it asks an [`Environment`], which tests build
//! from a list of pairs.

use std::collections::BTreeMap;

/// Environment variables, as a value.
#[derive(Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: show names only.
        formatter.debug_set().entries(self.vars.keys()).finish()
    }
}

impl Environment {
    /// Takes a snapshot of the process environment (variables that are not Unicode are left out).
    pub fn from_process() -> Self {
        Self::from_pairs(
            std::env::vars_os().filter_map(|(key, value)| {
                Some((key.into_string().ok()?, value.into_string().ok()?))
            }),
        )
    }

    /// Builds an environment from name/value pairs.
    ///
    /// # Examples
    ///
    /// ```
    /// let env = cigate::Environment::from_pairs([("GITHUB_ACTIONS", "true")]);
    /// assert!(env.is_github_actions());
    /// ```
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        }
    }

    /// Returns a copy with one more variable set.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(key.into(), value.into());
        self
    }

    /// The value of a variable, when it is set and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// The value of a variable when it is set, even to the empty string.
    pub fn get_raw(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// Whether cigate runs inside GitHub Actions (`GITHUB_ACTIONS=true`).
    pub fn is_github_actions(&self) -> bool {
        self.get("GITHUB_ACTIONS") == Some("true")
    }
}
