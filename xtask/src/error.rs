//! What can stop a check from running at all (as opposed to a [`crate::Violation`] it finds).

use std::path::PathBuf;

/// A file could not be read or parsed, so the checks could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source} (run from the repository checkout)", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A workflow file is not valid YAML.
    #[error("{name} is not valid YAML: {source} (fix the syntax, then run actionlint)")]
    Yaml {
        /// The workflow's file name.
        name: String,
        /// The parse error, with line and column.
        source: serde_yaml::Error,
    },
    /// The root manifest is not valid TOML.
    #[error("cannot parse {}: {source}", path.display())]
    Toml {
        /// The manifest.
        path: PathBuf,
        /// The parse error.
        source: toml::de::Error,
    },
    /// The root manifest does not declare the MSRV the unit-test matrix must cover.
    #[error("{} has no `workspace.package.rust-version` (declare the MSRV there)", path.display())]
    MissingRustVersion {
        /// The manifest.
        path: PathBuf,
    },
}
