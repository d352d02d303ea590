//! Artifacts: what an upload holds, how long it is kept, and which paths may carry a token.

/// The action that uploads artifacts.
pub const UPLOAD_ACTION: &str = "actions/upload-artifact";

/// The paths of an upload's `path:` (one per line), without exclusions (`!pattern`) and blank lines.
pub fn artifact_paths(paths: &str) -> impl Iterator<Item = &str> {
    paths
        .lines()
        .map(str::trim)
        .filter(|path| !path.is_empty() && !path.starts_with('!'))
}

/// Why an artifact path may carry a token, or `None` when it cannot.
pub fn forbidden_path(path: &str) -> Option<&'static str> {
    let whole_tree = [".", "./", "*", "**", "**/*", "${{ github.workspace }}"];
    if whole_tree.contains(&path) || path.starts_with("${{ github.workspace }}/*") {
        return Some("takes the whole checkout (with any `.env` or session file in it)");
    }
    for component in path.split(['/', '\\']) {
        let lower = component.to_ascii_lowercase();
        if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
            return Some("is an environment file holding credentials");
        }
        if lower.starts_with(".moogo") {
            return Some("is the client's state directory (session and lockout record)");
        }
        if lower.contains("session") {
            return Some("is a session file holding a token");
        }
    }
    None
}

/// Artifact retention in days (as the original): test results, integration output, packages.
pub const RETENTION: [(ArtifactKind, u64); 3] = [
    (ArtifactKind::TestResults, 30),
    (ArtifactKind::IntegrationOutput, 7),
    (ArtifactKind::Packages, 90),
];

/// Any other artifact (such as the `cigate` binary handed between jobs) is kept at most this long.
pub const MAX_OTHER_RETENTION: u64 = 7;

/// What an artifact holds, judged from its paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// JUnit reports.
    TestResults,
    /// The integration log kept by cigate (`.cigate/logs`).
    IntegrationOutput,
    /// Packaged crates (`*.crate`).
    Packages,
    /// Anything else.
    Other,
}

impl ArtifactKind {
    /// What the artifact holds, for messages.
    pub fn description(self) -> &'static str {
        match self {
            Self::TestResults => "the JUnit reports",
            Self::IntegrationOutput => "the integration log",
            Self::Packages => "the packaged crates",
            Self::Other => "an artifact",
        }
    }

    /// Classifies an upload by its `path:` value.
    pub fn of(paths: &str) -> Self {
        let any = |matches: fn(&str) -> bool| artifact_paths(paths).any(matches);
        if any(|path| path.contains("junit")) {
            Self::TestResults
        } else if any(|path| path.contains(".cigate/logs")) {
            Self::IntegrationOutput
        } else if any(|path| path.ends_with(".crate")) {
            Self::Packages
        } else {
            Self::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_and_logs_are_fine_to_upload() {
        for path in [
            "target/nextest/ci/junit.xml",
            ".cigate/logs/",
            "target/package/*.crate",
            "envoy.txt",
        ] {
            assert_eq!(forbidden_path(path), None, "{path}");
        }
    }

    #[test]
    fn artifact_kinds_follow_their_paths() {
        assert_eq!(
            ArtifactKind::of("target/nextest/ci/junit.xml"),
            ArtifactKind::TestResults
        );
        assert_eq!(
            ArtifactKind::of(".cigate/logs/\n"),
            ArtifactKind::IntegrationOutput
        );
        assert_eq!(
            ArtifactKind::of("target/package/*.crate"),
            ArtifactKind::Packages
        );
        assert_eq!(
            ArtifactKind::of("target/release/cigate"),
            ArtifactKind::Other
        );
    }
}
