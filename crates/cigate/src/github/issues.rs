//! Repository issues: the tracker cigate opens, updates and closes rate-limit issues with.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::error::Area;
use super::{GitHub, Result};

/// How many issues GitHub returns per page at most.
const PAGE_SIZE: usize = 100;

/// How many pages [`Issues::list_open`] reads at most, so that a huge backlog cannot loop for
/// long.
const MAX_PAGES: usize = 10;

/// An issue as GitHub returns it, with the fields cigate uses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Issue {
    /// The issue number, unique in the repository.
    pub number: u64,
    /// The title.
    pub title: String,
    /// Open or closed.
    pub state: IssueState,
    /// The names of its labels.
    pub labels: Vec<String>,
    /// The body (Markdown); empty when the issue has none.
    pub body: String,
    /// The issue's page on GitHub.
    pub html_url: String,
}

/// Whether an issue is open or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    /// The issue is open.
    Open,
    /// The issue is closed.
    Closed,
}

impl IssueState {
    /// The state as GitHub spells it: `open` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueState::Open => "open",
            IssueState::Closed => "closed",
        }
    }
}

/// The issues of the client's repository; get one from [`GitHub::issues`].
///
/// The token needs the `issues: write` permission (`issues: read` for listing).
#[derive(Clone, Copy, Debug)]
pub struct Issues<'a> {
    github: &'a GitHub,
}

impl<'a> Issues<'a> {
    pub(super) fn new(github: &'a GitHub) -> Self {
        Issues { github }
    }

    /// Lists the open issues that carry every label in `labels`, skipping pull requests.
    ///
    /// Sends `GET /repos/{owner}/{repo}/issues?state=open&labels=a,b&per_page=100`, following up
    /// to ten pages.
    ///
    /// # Errors
    ///
    /// [`super::Error::Status`] when GitHub refuses (with a hint naming the permission),
    /// [`super::Error::Transport`] or [`super::Error::Decode`].
    pub async fn list_open(&self, labels: &[impl AsRef<str>]) -> Result<Vec<Issue>> {
        let labels = labels
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(",");
        let per_page = PAGE_SIZE.to_string();
        let mut issues = Vec::new();
        for page in 1..=MAX_PAGES {
            let page = page.to_string();
            let mut query = vec![("state", "open")];
            if !labels.is_empty() {
                query.push(("labels", &labels));
            }
            query.extend([("per_page", per_page.as_str()), ("page", page.as_str())]);
            let batch: Vec<IssueWire> = self
                .github
                .send(Area::Issues, Method::GET, &["issues"], &query, None)
                .await?
                .json()?;
            let n_received = batch.len();
            issues.extend(
                batch
                    .into_iter()
                    .filter(|issue| issue.pull_request.is_none())
                    .map(Issue::from),
            );
            if n_received < PAGE_SIZE {
                break;
            }
        }
        Ok(issues)
    }

    /// Opens an issue with `title`, `body` and `labels`.
    ///
    /// Sends `POST /repos/{owner}/{repo}/issues` with `{"title", "body", "labels"}`.
    ///
    /// # Errors
    ///
    /// As for [`Issues::list_open`]; GitHub answers 422 for an invalid title or label.
    pub async fn create(
        &self,
        title: &str,
        body: &str,
        labels: &[impl AsRef<str>],
    ) -> Result<Issue> {
        let labels: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        let wire: IssueWire = self
            .github
            .send(
                Area::Issues,
                Method::POST,
                &["issues"],
                &[],
                Some(json!({ "title": title, "body": body, "labels": labels })),
            )
            .await?
            .json()?;
        Ok(wire.into())
    }

    /// Adds a comment with `body` to issue `number`.
    ///
    /// Sends `POST /repos/{owner}/{repo}/issues/{number}/comments` with `{"body"}`.
    ///
    /// # Errors
    ///
    /// As for [`Issues::list_open`].
    pub async fn comment(&self, number: u64, body: &str) -> Result<()> {
        let number = number.to_string();
        self.github
            .send(
                Area::Issues,
                Method::POST,
                &["issues", &number, "comments"],
                &[],
                Some(json!({ "body": body })),
            )
            .await?
            .success()?;
        Ok(())
    }

    /// Replaces the body of issue `number`.
    ///
    /// Sends `PATCH /repos/{owner}/{repo}/issues/{number}` with `{"body"}`.
    ///
    /// # Errors
    ///
    /// As for [`Issues::list_open`].
    pub async fn update_body(&self, number: u64, body: &str) -> Result<Issue> {
        self.patch(number, json!({ "body": body })).await
    }

    /// Closes issue `number` as completed.
    ///
    /// Sends `PATCH /repos/{owner}/{repo}/issues/{number}` with
    /// `{"state": "closed", "state_reason": "completed"}`.
    ///
    /// # Errors
    ///
    /// As for [`Issues::list_open`].
    pub async fn close(&self, number: u64) -> Result<Issue> {
        self.patch(
            number,
            json!({ "state": "closed", "state_reason": "completed" }),
        )
        .await
    }

    async fn patch(&self, number: u64, body: serde_json::Value) -> Result<Issue> {
        let number = number.to_string();
        let wire: IssueWire = self
            .github
            .send(
                Area::Issues,
                Method::PATCH,
                &["issues", &number],
                &[],
                Some(body),
            )
            .await?
            .json()?;
        Ok(wire.into())
    }
}

/// An issue as GitHub's JSON has it.
#[derive(Deserialize)]
struct IssueWire {
    number: u64,
    title: String,
    state: IssueState,
    #[serde(default)]
    labels: Vec<LabelWire>,
    body: Option<String>,
    html_url: String,
    /// Present only on pull requests, which the issues endpoint also returns.
    pull_request: Option<serde_json::Value>,
}

/// A label as GitHub's JSON has it: an object, or a bare name in older answers.
#[derive(Deserialize)]
#[serde(untagged)]
enum LabelWire {
    Object { name: String },
    Name(String),
}

impl From<IssueWire> for Issue {
    fn from(wire: IssueWire) -> Self {
        Issue {
            number: wire.number,
            title: wire.title,
            state: wire.state,
            labels: wire
                .labels
                .into_iter()
                .map(|label| match label {
                    LabelWire::Object { name } | LabelWire::Name(name) => name,
                })
                .collect(),
            body: wire.body.unwrap_or_default(),
            html_url: wire.html_url,
        }
    }
}
