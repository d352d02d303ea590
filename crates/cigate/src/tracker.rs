//! The rate-limit issue (F3): opened on a detection, updated instead of duplicated, closed when
//! the gated checks pass again.
//!
//! Three kinds: `github` (issues through the REST API), `file` (a JSON array of issues shaped
//! like GitHub's, for local runs; default `.cigate/issues.json`) and `none`. Invariant: at most
//! one open rate-limit issue; a second detection comments on it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::{Config, TrackerKind};
use crate::cooldown::format_time;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::github_access::Access;
use crate::trigger::Trigger;

/// Where the current run comes from, for issue texts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunInfo {
    /// `GITHUB_WORKFLOW`.
    pub workflow: Option<String>,
    /// `GITHUB_RUN_ID`.
    pub run_id: Option<String>,
    /// The run's page: `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`.
    pub url: Option<String>,
    /// The trigger.
    pub trigger: Option<Trigger>,
}

impl RunInfo {
    /// Reads the run from the variables GitHub Actions sets.
    pub fn from_env(env: &Environment, trigger: Trigger) -> Self {
        let run_id = env.get("GITHUB_RUN_ID").map(str::to_owned);
        let url = match (env.get("GITHUB_REPOSITORY"), &run_id) {
            (Some(repository), Some(run_id)) => Some(format!(
                "{}/{repository}/actions/runs/{run_id}",
                env.get("GITHUB_SERVER_URL")
                    .unwrap_or("https://github.com")
                    .trim_end_matches('/')
            )),
            _ => None,
        };
        Self {
            workflow: env.get("GITHUB_WORKFLOW").map(str::to_owned),
            run_id,
            url,
            trigger: Some(trigger),
        }
    }

    fn describe(&self) -> String {
        match (&self.run_id, &self.url) {
            (Some(id), Some(url)) => format!("[run {id}]({url})"),
            (Some(id), None) => format!("run {id}"),
            _ => "a local run".to_owned(),
        }
    }
}

/// A detected rate limit, as the issue reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The check that hit it.
    pub check: String,
    /// When.
    pub detected_at: Timestamp,
    /// When the gated checks may run again.
    pub retry_after: Timestamp,
    /// The deciding lines (already redacted).
    pub evidence: Vec<String>,
    /// The run.
    pub run: RunInfo,
}

/// What the tracker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Opened issue `number`.
    Opened(u64),
    /// Commented on the open issue `number` instead of opening another.
    Updated(u64),
    /// Closed these issues.
    Closed(Vec<u64>),
    /// Nothing to do, and why.
    Nothing(String),
    /// What it would have done, and why it did not.
    WouldHave(String),
}

impl Action {
    /// A sentence for people.
    pub fn describe(&self, title: &str) -> String {
        match self {
            Action::Opened(number) => format!("opened issue #{number} \"{title}\""),
            Action::Updated(number) => {
                format!("updated the open issue #{number} instead of opening another")
            }
            Action::Closed(numbers) => format!(
                "closed issue{} {}",
                if numbers.len() == 1 { "" } else { "s" },
                numbers
                    .iter()
                    .map(|number| format!("#{number}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Action::Nothing(why) | Action::WouldHave(why) => why.clone(),
        }
    }
}

/// An issue in the file tracker, shaped like GitHub's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The issue number, from 1.
    pub number: u64,
    /// The title.
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// Label names.
    pub labels: Vec<String>,
    /// The body (Markdown).
    pub body: String,
    /// The comments, oldest first.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// When it was opened (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    /// When it was closed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
}

/// A comment on a file-tracker issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// The text (Markdown).
    pub body: String,
    /// When it was written (RFC 3339).
    pub created_at: String,
}

/// An open issue, as `issue status` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIssue {
    /// Its number.
    pub number: u64,
    /// Its title.
    pub title: String,
    /// Its page (GitHub) or file (file tracker).
    pub location: String,
}

/// Where rate-limit issues go.
#[derive(Debug, Clone)]
pub struct Tracker {
    kind: Kind,
    title: String,
    labels: Vec<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    None,
    File(PathBuf),
    Github(Access),
}

impl Tracker {
    /// The tracker `cigate.toml` asks for. `CIGATE_TRACKER` (`github`, `file`, `none`, `auto`)
    /// overrides `[tracker] kind`; `auto` means `github` inside GitHub Actions, `file` elsewhere.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`] for an unknown `CIGATE_TRACKER`; [`Error::Github`] for invalid
    /// GitHub settings.
    pub fn from_config(config: &Config, env: &Environment) -> Result<Self> {
        let mut kind = config.tracker.kind;
        if let Some(name) = env.get("CIGATE_TRACKER") {
            kind = TrackerKind::parse(name).ok_or_else(|| Error::ConfigValue {
                path: PathBuf::from("environment"),
                key: "CIGATE_TRACKER".to_owned(),
                value: name.to_owned(),
                expected: "one of github, file, none, auto".to_owned(),
            })?;
        }
        if kind == TrackerKind::Auto {
            kind = if env.is_github_actions() {
                TrackerKind::Github
            } else {
                TrackerKind::File
            };
        }
        let kind = match kind {
            TrackerKind::None => Kind::None,
            TrackerKind::File => Kind::File(config.tracker.path.clone()),
            _ => Kind::Github(Access::from_env(&config.tracker.token_env, env)?),
        };
        Ok(Self {
            kind,
            title: config.tracker.title.clone(),
            labels: config.tracker.labels.clone(),
        })
    }

    /// A file tracker at `path`.
    pub fn file(path: PathBuf, title: &str, labels: &[String]) -> Self {
        Self {
            kind: Kind::File(path),
            title: title.to_owned(),
            labels: labels.to_vec(),
        }
    }

    /// The issue title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Opens the rate-limit issue, or comments on the open one.
    ///
    /// # Errors
    ///
    /// [`Error::Read`], [`Error::Json`] or [`Error::Write`] for the file tracker;
    /// [`Error::Github`] for the github tracker.
    pub async fn report(&self, detection: &Detection) -> Result<Action> {
        let body = issue_body(detection);
        let comment = update_comment(detection);
        match &self.kind {
            Kind::None => Ok(Action::Nothing(
                "the tracker is `none`: no issue".to_owned(),
            )),
            Kind::File(path) => {
                let mut issues = read_issues(path)?;
                let now = format_time(detection.detected_at);
                let action = match issues.iter_mut().find(|issue| self.is_open_ours(issue)) {
                    Some(issue) => {
                        issue.comments.push(Comment {
                            body: comment,
                            created_at: now,
                        });
                        Action::Updated(issue.number)
                    }
                    None => {
                        let number = issues.iter().map(|issue| issue.number).max().unwrap_or(0) + 1;
                        issues.push(Issue {
                            number,
                            title: self.title.clone(),
                            state: "open".to_owned(),
                            labels: self.labels.clone(),
                            body,
                            comments: Vec::new(),
                            created_at: now,
                            closed_at: None,
                        });
                        Action::Opened(number)
                    }
                };
                write_issues(path, &issues)?;
                Ok(action)
            }
            Kind::Github(Access::Unavailable(reason)) => Ok(Action::WouldHave(format!(
                "would have opened or updated the issue \"{}\" ({reason})",
                self.title
            ))),
            Kind::Github(Access::Ready(github)) => {
                let failed = |source| Error::github("open or update the rate-limit issue", source);
                let open = github
                    .issues()
                    .list_open(&self.labels)
                    .await
                    .map_err(failed)?;
                match open.iter().find(|issue| issue.title == self.title) {
                    Some(issue) => {
                        github
                            .issues()
                            .comment(issue.number, &comment)
                            .await
                            .map_err(failed)?;
                        Ok(Action::Updated(issue.number))
                    }
                    None => {
                        let issue = github
                            .issues()
                            .create(&self.title, &body, &self.labels)
                            .await
                            .map_err(failed)?;
                        Ok(Action::Opened(issue.number))
                    }
                }
            }
        }
    }

    /// Comments on and closes every open rate-limit issue: the gated check `check` passed.
    ///
    /// # Errors
    ///
    /// As [`Tracker::report`].
    pub async fn resolve(&self, check: &str, now: Timestamp, run: &RunInfo) -> Result<Action> {
        let comment = format!(
            "The rate-limited check `{check}` passed again at {} ({}). The cooldown is over; closing this issue.\n\n_Closed by cigate._",
            format_time(now),
            run.describe()
        );
        match &self.kind {
            Kind::None => Ok(Action::Nothing(
                "the tracker is `none`: no issue".to_owned(),
            )),
            Kind::File(path) => {
                if !path.exists() {
                    return Ok(Action::Nothing("no open rate-limit issue".to_owned()));
                }
                let mut issues = read_issues(path)?;
                let mut closed = Vec::new();
                for issue in issues.iter_mut().filter(|issue| self.is_open_ours(issue)) {
                    issue.comments.push(Comment {
                        body: comment.clone(),
                        created_at: format_time(now),
                    });
                    issue.state = "closed".to_owned();
                    issue.closed_at = Some(format_time(now));
                    closed.push(issue.number);
                }
                if closed.is_empty() {
                    return Ok(Action::Nothing("no open rate-limit issue".to_owned()));
                }
                write_issues(path, &issues)?;
                Ok(Action::Closed(closed))
            }
            Kind::Github(Access::Unavailable(reason)) => Ok(Action::WouldHave(format!(
                "would have closed any open issue \"{}\" ({reason})",
                self.title
            ))),
            Kind::Github(Access::Ready(github)) => {
                let failed = |source| Error::github("close the rate-limit issues", source);
                let open = github
                    .issues()
                    .list_open(&self.labels)
                    .await
                    .map_err(failed)?;
                let mut closed = Vec::new();
                for issue in open.iter().filter(|issue| issue.title == self.title) {
                    github
                        .issues()
                        .comment(issue.number, &comment)
                        .await
                        .map_err(failed)?;
                    github.issues().close(issue.number).await.map_err(failed)?;
                    closed.push(issue.number);
                }
                if closed.is_empty() {
                    Ok(Action::Nothing("no open rate-limit issue".to_owned()))
                } else {
                    Ok(Action::Closed(closed))
                }
            }
        }
    }

    /// The open rate-limit issues.
    ///
    /// # Errors
    ///
    /// As [`Tracker::report`]. Without GitHub access, an empty list and the reason.
    pub async fn open_issues(&self) -> Result<(Vec<OpenIssue>, Option<String>)> {
        match &self.kind {
            Kind::None => Ok((Vec::new(), Some("the tracker is `none`".to_owned()))),
            Kind::File(path) => {
                if !path.exists() {
                    return Ok((Vec::new(), None));
                }
                let issues = read_issues(path)?
                    .into_iter()
                    .filter(|issue| self.is_open_ours(issue))
                    .map(|issue| OpenIssue {
                        number: issue.number,
                        title: issue.title,
                        location: path.display().to_string(),
                    })
                    .collect();
                Ok((issues, None))
            }
            Kind::Github(Access::Unavailable(reason)) => Ok((
                Vec::new(),
                Some(format!("cannot list GitHub issues ({reason})")),
            )),
            Kind::Github(Access::Ready(github)) => {
                let open = github
                    .issues()
                    .list_open(&self.labels)
                    .await
                    .map_err(|source| Error::github("list the rate-limit issues", source))?;
                Ok((
                    open.into_iter()
                        .filter(|issue| issue.title == self.title)
                        .map(|issue| OpenIssue {
                            number: issue.number,
                            title: issue.title,
                            location: issue.html_url,
                        })
                        .collect(),
                    None,
                ))
            }
        }
    }

    fn is_open_ours(&self, issue: &Issue) -> bool {
        issue.state == "open" && issue.title == self.title
    }
}

/// The body of a new rate-limit issue.
pub fn issue_body(detection: &Detection) -> String {
    let run = &detection.run;
    let mut text = String::from("## API rate limit detected\n\n");
    let _ = writeln!(
        text,
        "The check `{}` hit the service's rate limit. Cooldown-gated checks are skipped until the window ends, so that the account is not locked out again.\n",
        detection.check
    );
    let _ = writeln!(
        text,
        "- **Detected:** {}",
        format_time(detection.detected_at)
    );
    let _ = writeln!(
        text,
        "- **Retry after:** {}",
        format_time(detection.retry_after)
    );
    if let Some(workflow) = &run.workflow {
        let _ = writeln!(text, "- **Workflow:** {workflow}");
    }
    let _ = writeln!(text, "- **Run:** {}", run.describe());
    if let Some(trigger) = run.trigger {
        let _ = writeln!(text, "- **Event:** {trigger}");
    }
    if !detection.evidence.is_empty() {
        let _ = writeln!(text, "\n### Evidence\n\n```text");
        for line in &detection.evidence {
            let _ = writeln!(text, "{}", line.replace("```", "'''"));
        }
        let _ = writeln!(text, "```");
    }
    text.push_str(
        "\n### How the retry happens\n\n\
         - Required checks still decide whether a change can merge; the gated checks report `skipped` until the cooldown ends.\n\
         - The scheduled run retries the gated checks once the window has passed. When they pass, this issue is closed and the cooldown marker cleared automatically.\n\
         - To retry earlier, run the workflow manually with `force_retry`, or `cigate pipeline --force-retry` locally. A retry during a lockout extends it.\n\n\
         _Opened by cigate. Further detections are added as comments instead of new issues._\n",
    );
    text
}

fn update_comment(detection: &Detection) -> String {
    let mut text = format!(
        "Rate limit detected again by check `{}` at {} ({}). Retry after {}.",
        detection.check,
        format_time(detection.detected_at),
        detection.run.describe(),
        format_time(detection.retry_after)
    );
    if let Some(first) = detection.evidence.first() {
        let _ = write!(text, "\n\n```text\n{}\n```", first.replace("```", "'''"));
    }
    text
}

fn read_issues(path: &Path) -> Result<Vec<Issue>> {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(Vec::new()),
        Ok(text) => serde_json::from_str(&text).map_err(|source| Error::Json {
            path: path.to_owned(),
            source,
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(Error::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

fn write_issues(path: &Path, issues: &[Issue]) -> Result<()> {
    let write_error = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(write_error)?;
    }
    let mut text = serde_json::to_string_pretty(issues).map_err(|source| Error::Json {
        path: path.to_owned(),
        source,
    })?;
    text.push('\n');
    std::fs::write(path, text).map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detection(at: &str) -> Detection {
        let detected_at: Timestamp = at.parse().unwrap();
        Detection {
            check: "integration".to_owned(),
            detected_at,
            retry_after: detected_at + jiff::SignedDuration::from_hours(24),
            evidence: vec!["Error: rate limited (code 10000)".to_owned()],
            run: RunInfo::from_env(
                &Environment::from_pairs([
                    ("GITHUB_WORKFLOW", "CI"),
                    ("GITHUB_RUN_ID", "42"),
                    ("GITHUB_REPOSITORY", "owner/repo"),
                    ("GITHUB_SERVER_URL", "https://github.com"),
                ]),
                Trigger::Push,
            ),
        }
    }

    #[test]
    fn body() {
        insta::assert_snapshot!(issue_body(&detection("2024-05-01T02:00:00Z")));
    }

    #[tokio::test]
    async fn file_tracker_keeps_one_open_issue_and_closes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".cigate/issues.json");
        let labels = vec!["automated".to_owned(), "rate-limit".to_owned()];
        let tracker = Tracker::file(
            path.clone(),
            "API Rate Limit Detected - 24h Cooldown Active",
            &labels,
        );

        assert_eq!(
            tracker
                .report(&detection("2024-05-01T02:00:00Z"))
                .await
                .unwrap(),
            Action::Opened(1)
        );
        assert_eq!(
            tracker
                .report(&detection("2024-05-01T05:00:00Z"))
                .await
                .unwrap(),
            Action::Updated(1)
        );
        let (open, _) = tracker.open_issues().await.unwrap();
        assert_eq!(open.len(), 1);

        let now = "2024-05-02T02:00:00Z".parse().unwrap();
        let action = tracker
            .resolve("integration", now, &RunInfo::default())
            .await
            .unwrap();
        assert_eq!(action, Action::Closed(vec![1]));
        assert_eq!(
            tracker
                .resolve("integration", now, &RunInfo::default())
                .await
                .unwrap(),
            Action::Nothing("no open rate-limit issue".to_owned())
        );
        assert_eq!(
            tracker
                .report(&detection("2024-05-03T02:00:00Z"))
                .await
                .unwrap(),
            Action::Opened(2)
        );

        let issues: Vec<Issue> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(issues[0].state, "closed");
        assert_eq!(issues[0].labels, labels);
        assert_eq!(issues[0].comments.len(), 2);
        assert!(
            issues[0].comments[1]
                .body
                .starts_with("The rate-limited check `integration` passed again")
        );
        assert_eq!(issues[1].state, "open");
    }
}
