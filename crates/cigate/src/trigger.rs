//! What started a pipeline run: GitHub's event name, and whether it comes from a fork.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::environment::Environment;

/// The event that triggered a run, named as GitHub Actions names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trigger {
    /// A push to a branch: every check runs (the default).
    Push,
    /// A pull request: every check runs; from a fork, no issue is opened and no secret touched.
    PullRequest,
    /// The daily schedule: only the cooldown-gated checks, only once the window has passed.
    Schedule,
    /// A manual run: every check runs.
    WorkflowDispatch,
}

impl Trigger {
    /// Every trigger, in a stable order.
    pub const ALL: [Trigger; 4] = [
        Trigger::Push,
        Trigger::PullRequest,
        Trigger::Schedule,
        Trigger::WorkflowDispatch,
    ];

    /// The name GitHub uses, such as `pull_request`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Push => "push",
            Trigger::PullRequest => "pull_request",
            Trigger::Schedule => "schedule",
            Trigger::WorkflowDispatch => "workflow_dispatch",
        }
    }

    /// The trigger named by `GITHUB_EVENT_NAME` (`pull_request_target` counts as a pull
    /// request), or `push` when it is unset or unknown.
    pub fn from_env(env: &Environment) -> Self {
        match env.get("GITHUB_EVENT_NAME") {
            Some("pull_request_target") => Trigger::PullRequest,
            Some(name) => name.parse().unwrap_or(Trigger::Push),
            None => Trigger::Push,
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A trigger name that is not one of `push`, `pull_request`, `schedule`, `workflow_dispatch`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event `{0}`: expected push, pull_request, schedule or workflow_dispatch")]
pub struct UnknownTrigger(pub String);

impl FromStr for Trigger {
    type Err = UnknownTrigger;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Trigger::ALL
            .into_iter()
            .find(|trigger| trigger.as_str() == name)
            .ok_or_else(|| UnknownTrigger(name.to_owned()))
    }
}

/// Whether the pull request behind this run comes from a fork, read from the event payload at
/// `GITHUB_EVENT_PATH` (`pull_request.head.repo.fork`). Runs from forks get no write token.
///
/// An unreadable or absent payload means "not a fork".
pub fn is_fork_pull_request(env: &Environment) -> bool {
    let Some(path) = env.get("GITHUB_EVENT_PATH") else {
        return false;
    };
    let Ok(text) = std::fs::read_to_string(Path::new(path)) else {
        return false;
    };
    let Ok(payload) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    payload
        .pointer("/pull_request/head/repo/fork")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(event_name: Option<&str>, expected: Trigger) {
        let env = match event_name {
            Some(name) => Environment::from_pairs([("GITHUB_EVENT_NAME", name)]),
            None => Environment::default(),
        };
        assert_eq!(Trigger::from_env(&env), expected, "{event_name:?}");
    }

    #[test]
    fn reads_github_event_name() {
        check(None, Trigger::Push);
        check(Some("push"), Trigger::Push);
        check(Some("pull_request"), Trigger::PullRequest);
        check(Some("pull_request_target"), Trigger::PullRequest);
        check(Some("schedule"), Trigger::Schedule);
        check(Some("workflow_dispatch"), Trigger::WorkflowDispatch);
        check(Some("merge_group"), Trigger::Push);
    }

    #[test]
    fn detects_fork_from_event_payload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        let env = Environment::from_pairs([("GITHUB_EVENT_PATH", path.to_str().unwrap())]);
        assert!(!is_fork_pull_request(&env), "missing payload");
        std::fs::write(&path, r#"{"pull_request":{"head":{"repo":{"fork":true}}}}"#).unwrap();
        assert!(is_fork_pull_request(&env));
        std::fs::write(
            &path,
            r#"{"pull_request":{"head":{"repo":{"fork":false}}}}"#,
        )
        .unwrap();
        assert!(!is_fork_pull_request(&env));
    }
}
