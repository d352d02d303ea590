//! Repository automation, run as `cargo xtask TASK`.
//!
//! The one task today is `check-workflows`: it parses `.github/workflows/*.yml` and reports every place
//! where the pipeline departs from the structure spec/resilient-ci.md (F9) and issue 6 require.
//! The checks are library functions returning a list of [`Violation`]s, so that the tests can run them on
//! the real workflow files and on small broken snippets alike.
//!
//! ```no_run
//! let root = xtask::project_root();
//! let violations = xtask::check_workflows(&root)?;
//! for violation in &violations {
//!     eprintln!("{violation}");
//! }
//! # Ok::<(), xtask::Error>(())
//! ```

#![warn(missing_docs)]

mod artifact;
mod error;
mod hygiene;
mod manifest;
mod pipeline;
mod violation;
mod workflow;

use std::path::{Path, PathBuf};

pub use artifact::{ArtifactKind, forbidden_path};
pub use error::Error;
pub use hygiene::check_hygiene;
pub use manifest::rust_version;
pub use pipeline::{PipelinePolicy, check_pipeline};
pub use violation::{Rule, Violation};
pub use workflow::{Job, Workflow};

/// The file name of the main pipeline, which gets the pipeline checks on top of the hygiene checks.
pub const PIPELINE_FILE: &str = "ci.yml";

/// The workspace root: the parent of this crate's directory.
pub fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Checks every workflow under `root/.github/workflows`.
///
/// Every file gets [`check_hygiene`]; `ci.yml` also gets [`check_pipeline`] with the MSRV read from the
/// root `Cargo.toml`. A missing `ci.yml` is itself a violation.
pub fn check_workflows(root: &Path) -> Result<Vec<Violation>, Error> {
    let policy = PipelinePolicy::new(rust_version(&root.join("Cargo.toml"))?);
    let workflows = Workflow::load_dir(&root.join(".github/workflows"))?;
    let mut violations = Vec::new();
    for workflow in &workflows {
        violations.extend(check_hygiene(workflow));
        if workflow.name() == PIPELINE_FILE {
            violations.extend(check_pipeline(workflow, &policy));
        }
    }
    if !workflows.iter().any(|w| w.name() == PIPELINE_FILE) {
        violations.push(Violation::new(
            PIPELINE_FILE,
            Rule::Triggers,
            "the pipeline file is missing from .github/workflows",
        ));
    }
    Ok(violations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_workflows_have_no_violations() {
        let violations = check_workflows(&project_root()).expect("workflows and Cargo.toml parse");
        let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
        assert!(listed.is_empty(), "violations:\n{}", listed.join("\n"));
    }

    #[test]
    fn a_repository_without_the_pipeline_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace.package]\nrust-version = \"1.89\"\n",
        )
        .unwrap();
        let violations = check_workflows(dir.path()).unwrap();
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].rule(), Rule::Triggers);
    }
}
