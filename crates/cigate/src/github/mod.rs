//! A small typed client for the parts of GitHub's REST API that cigate uses.
//!
//! One handler per API area: [`Issues`] (the rate-limit issue tracker), [`Variables`] (the
//! `github_variable` cooldown marker store) and [`Secrets`] (writing the refreshed session back
//! as Actions secrets).
//! The API is async (reqwest on tokio), because the `cigate` binary runs on tokio.
//!
//! Invariants: the token is held as a [`SecretString`] and only ever sent in the
//! `Authorization` header (marked sensitive); it never appears in `Debug`, `Display`, errors or
//! logs. Secret values are sealed with the repository's public key before they leave the process.

mod error;
mod issues;
mod secrets;
mod variables;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use self::error::Area;
pub use self::error::{Error, Result};
pub use self::issues::{Issue, IssueState, Issues};
pub use self::secrets::{RepositoryPublicKey, Secrets};
pub use self::variables::Variables;

/// The API base URL used when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The REST API version cigate is written against, sent as `X-GitHub-Api-Version`.
pub const API_VERSION: &str = "2022-11-28";

/// The media type GitHub recommends, sent as `Accept`.
const MEDIA_TYPE: &str = "application/vnd.github+json";

/// How long one request may take before it fails as a transport error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for one repository's issues, Actions variables and Actions secrets.
///
/// Cheap to clone: clones share one connection pool.
/// Every call is async and needs a tokio runtime.
///
/// # Examples
///
/// ```no_run
/// use cigate::github::GitHub;
///
/// # async fn demo() -> Result<(), cigate::github::Error> {
/// let env = |name: &str| std::env::var(name).ok();
/// let github = match GitHub::from_env("GITHUB_TOKEN", &env) {
///     Ok(github) => github,
///     Err(error) if error.is_not_configured() => {
///         println!("would open an issue, but {error}");
///         return Ok(());
///     }
///     Err(error) => return Err(error),
/// };
/// let labels = ["automated", "rate-limit"];
/// if github.issues().list_open(&labels).await?.is_empty() {
///     github
///         .issues()
///         .create("API Rate Limit Detected - 24h Cooldown Active", "Details...", &labels)
///         .await?;
/// }
/// github.variables().set("RATE_LIMIT_MARKER", "2026-12-04T20:00:00Z").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct GitHub {
    http: reqwest::Client,
    api_url: Url,
    repository: Repository,
    token: SecretString,
    user_agent: String,
}

impl GitHub {
    /// Creates a client for `repository` (`owner/name`) at the API base URL `api_url`.
    ///
    /// The user agent defaults to `cigate/VERSION`; see [`GitHub::with_user_agent`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidApiUrl`] if `api_url` is not an absolute `http`/`https` URL,
    /// [`Error::InvalidRepository`] if `repository` is not `owner/name`,
    /// [`Error::InvalidToken`] if the token cannot be sent in a header, and
    /// [`Error::ClientSetup`] if the HTTP client cannot be built.
    pub fn new(api_url: &str, repository: &str, token: SecretString) -> Result<Self> {
        let api_url = parse_api_url(api_url)?;
        let repository = repository.parse()?;
        authorization(&token)?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|source| Error::ClientSetup { source })?;
        Ok(GitHub {
            http,
            api_url,
            repository,
            token,
            user_agent: concat!("cigate/", env!("CARGO_PKG_VERSION")).to_owned(),
        })
    }

    /// Creates a client from the environment, as GitHub Actions sets it.
    ///
    /// Reads `GITHUB_API_URL` (default [`DEFAULT_API_URL`]), `GITHUB_REPOSITORY` and the token
    /// from the variable named `token_variable` (such as `GITHUB_TOKEN`, or `PAT_TOKEN` for
    /// secrets). Empty values count as unset: Actions passes an unset secret as an empty string.
    /// `env` looks a variable up, so tests need not touch the process environment.
    ///
    /// # Errors
    ///
    /// [`Error::NotConfigured`] naming every missing variable (check it with
    /// [`Error::is_not_configured`] and say what would have been done), or the errors of
    /// [`GitHub::new`].
    pub fn from_env(token_variable: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let lookup = |name: &str| env(name).filter(|value| !value.trim().is_empty());
        let token = lookup(token_variable);
        let repository = lookup("GITHUB_REPOSITORY");
        let (Some(token), Some(repository)) = (&token, &repository) else {
            let missing = [
                (token_variable, token.is_none()),
                ("GITHUB_REPOSITORY", repository.is_none()),
            ];
            return Err(Error::NotConfigured {
                missing: missing
                    .into_iter()
                    .filter(|(_, is_missing)| *is_missing)
                    .map(|(name, _)| name.to_owned())
                    .collect(),
            });
        };
        let api_url = lookup("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        GitHub::new(
            api_url.trim(),
            repository.trim(),
            SecretString::from(token.trim()),
        )
    }

    /// Replaces the `User-Agent` header value (GitHub requires one on every request).
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The repository this client works on.
    pub fn repository(&self) -> &Repository {
        &self.repository
    }

    /// The API base URL requests go to.
    pub fn api_url(&self) -> &str {
        self.api_url.as_str()
    }

    /// The repository's issues.
    pub fn issues(&self) -> Issues<'_> {
        Issues::new(self)
    }

    /// The repository's GitHub Actions variables.
    pub fn variables(&self) -> Variables<'_> {
        Variables::new(self)
    }

    /// The repository's GitHub Actions secrets.
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets::new(self)
    }

    /// Sends one request to `/repos/{owner}/{repo}/{tail...}` and returns the answer, whatever
    /// its status.
    async fn send(
        &self,
        area: Area,
        method: Method,
        tail: &[&str],
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<Answer> {
        let mut segments = vec!["repos", self.repository.owner(), self.repository.name()];
        segments.extend_from_slice(tail);
        let url = endpoint_url(&self.api_url, &segments, query)?;
        let endpoint = Endpoint {
            area,
            method: method.clone(),
            path: format!("/{}", segments.join("/")),
        };
        let mut authorization = authorization(&self.token)?;
        authorization.set_sensitive(true);
        let mut request = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, MEDIA_TYPE)
            .header("X-GitHub-Api-Version", API_VERSION)
            .header(USER_AGENT, &self.user_agent);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let transport = |source| endpoint.transport(source);
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        tracing::debug!(method = %endpoint.method, path = %endpoint.path, status, "GitHub answered");
        Ok(Answer {
            endpoint,
            status,
            body,
        })
    }
}

impl fmt::Debug for GitHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHub")
            .field("api_url", &self.api_url.as_str())
            .field("repository", &format_args!("{}", self.repository))
            .field("token", &format_args!("[redacted]"))
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// A repository name in the form `owner/name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    owner: String,
    name: String,
}

impl Repository {
    /// The account or organisation that owns the repository.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The repository's name without the owner.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FromStr for Repository {
    type Err = Error;

    /// Parses `owner/name`, where both parts are non-empty and use only letters, digits, `-`,
    /// `_` and `.`.
    fn from_str(value: &str) -> Result<Self> {
        let invalid = || Error::InvalidRepository {
            value: value.to_owned(),
        };
        let (owner, name) = value.split_once('/').ok_or_else(invalid)?;
        let valid_part = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        if !valid_part(owner) || !valid_part(name) {
            return Err(invalid());
        }
        Ok(Repository {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Checks a variable or secret name against GitHub's naming rules.
fn validate_name(kind: &'static str, name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Some("only letters, digits and `_` are allowed")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("it must not start with a digit")
    } else if name.to_ascii_uppercase().starts_with("GITHUB_") {
        Some("the `GITHUB_` prefix is reserved by GitHub")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidName {
            kind,
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Parses and checks the API base URL.
fn parse_api_url(value: &str) -> Result<Url> {
    let invalid = |reason: String| Error::InvalidApiUrl {
        value: value.to_owned(),
        reason,
    };
    let url = Url::parse(value).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(invalid("expected an http or https URL".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("expected no query or fragment".to_owned()));
    }
    Ok(url)
}

/// Appends escaped path segments and query pairs to the API base URL, keeping any path prefix
/// it has (GitHub Enterprise Server uses `/api/v3`).
fn endpoint_url(api_url: &Url, segments: &[&str], query: &[(&str, &str)]) -> Result<Url> {
    let mut url = api_url.clone();
    url.path_segments_mut()
        .map_err(|()| Error::InvalidApiUrl {
            value: api_url.to_string(),
            reason: "expected an http or https URL".to_owned(),
        })?
        .pop_if_empty()
        .extend(segments);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// The `Authorization` header value for `token`.
fn authorization(token: &SecretString) -> Result<HeaderValue> {
    HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
        .map_err(|_| Error::InvalidToken)
}

/// What a request was, for error messages.
struct Endpoint {
    area: Area,
    method: Method,
    path: String,
}

impl Endpoint {
    fn transport(&self, source: reqwest::Error) -> Error {
        Error::Transport {
            method: self.method.to_string(),
            path: self.path.clone(),
            source,
        }
    }

    fn decode(&self, source: serde_json::Error) -> Error {
        Error::Decode {
            method: self.method.to_string(),
            path: self.path.clone(),
            source,
        }
    }
}

/// GitHub's answer to one request.
struct Answer {
    endpoint: Endpoint,
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    /// Whether the status is 2xx.
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Passes a 2xx answer through and turns any other into [`Error::Status`].
    fn success(self) -> Result<Self> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }

    /// Decodes the body of a 2xx answer.
    fn json<T: DeserializeOwned>(self) -> Result<T> {
        let answer = self.success()?;
        serde_json::from_slice(&answer.body).map_err(|source| answer.endpoint.decode(source))
    }

    /// Turns the answer into [`Error::Status`] with GitHub's message and a hint.
    fn into_error(self) -> Error {
        let message = error_message(&self.body);
        Error::Status {
            hint: self.endpoint.area.hint(self.status, &message),
            method: self.endpoint.method.to_string(),
            path: self.endpoint.path,
            status: self.status,
            message,
        }
    }
}

/// The most useful text in an error body: GitHub's `message` with its validation `errors`, or
/// the start of the body when it is not GitHub's JSON.
fn error_message(body: &[u8]) -> String {
    const MAX_CHARS: usize = 300;

    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: String,
        #[serde(default)]
        errors: Vec<serde_json::Value>,
    }

    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        let details: Vec<String> = parsed
            .errors
            .iter()
            .map(|detail| match detail {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Object(fields) => {
                    let field = |key| fields.get(key).and_then(serde_json::Value::as_str);
                    match (field("message"), field("field"), field("code")) {
                        (Some(message), _, _) => message.to_owned(),
                        (None, Some(name), Some(code)) => format!("{name} {code}"),
                        (None, None, Some(code)) => code.to_owned(),
                        _ => detail.to_string(),
                    }
                }
                other => other.to_string(),
            })
            .collect();
        let message = if details.is_empty() {
            parsed.message
        } else {
            format!("{} ({})", parsed.message, details.join("; "))
        };
        return truncate(&message, MAX_CHARS);
    }
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        truncate(&text, MAX_CHARS)
    }
}

/// Cuts `text` to at most `max_chars` characters, marking the cut.
fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_escape_segments_and_keep_the_base_path() {
        let check = |base: &str, segments: &[&str], query: &[(&str, &str)], expected: &str| {
            let base = parse_api_url(base).unwrap();
            assert_eq!(
                endpoint_url(&base, segments, query).unwrap().as_str(),
                expected
            );
        };
        check(
            "https://api.github.com",
            &["repos", "octo", "widgets", "issues"],
            &[],
            "https://api.github.com/repos/octo/widgets/issues",
        );
        check(
            "https://ghe.example.com/api/v3/",
            &["repos", "octo", "widgets"],
            &[],
            "https://ghe.example.com/api/v3/repos/octo/widgets",
        );
        check(
            "https://ghe.example.com/api/v3",
            &["a b", "c/d", "e?f#g"],
            &[],
            "https://ghe.example.com/api/v3/a%20b/c%2Fd/e%3Ff%23g",
        );
        check(
            "http://127.0.0.1:8080",
            &["issues"],
            &[
                ("labels", "rate-limit,needs triage,a&b=c"),
                ("state", "open"),
            ],
            "http://127.0.0.1:8080/issues?labels=rate-limit%2Cneeds+triage%2Ca%26b%3Dc&state=open",
        );
    }

    #[test]
    fn api_urls_must_be_absolute_http() {
        for bad in [
            "",
            "api.github.com",
            "ftp://example.com",
            "mailto:x@example.com",
        ] {
            let error = parse_api_url(bad).unwrap_err();
            assert!(
                matches!(error, Error::InvalidApiUrl { .. }),
                "{bad}: {error:?}"
            );
        }
        assert!(parse_api_url("https://example.com/?x=1").is_err());
    }

    #[test]
    fn repositories_are_owner_slash_name() {
        let check = |value: &str, expected: Option<(&str, &str)>| {
            let parsed = value.parse::<Repository>().ok();
            let parts = parsed
                .as_ref()
                .map(|repository| (repository.owner(), repository.name()));
            assert_eq!(parts, expected, "{value}");
        };
        check("octo/widgets", Some(("octo", "widgets")));
        check("octo-org/my.repo_2", Some(("octo-org", "my.repo_2")));
        check("octo", None);
        check("/widgets", None);
        check("octo/", None);
        check("octo/widgets/extra", None);
        check("octo/../x", None);
        check("octo/..", None);
        check("oc to/widgets", None);
        assert_eq!(
            "octo/widgets".parse::<Repository>().unwrap().to_string(),
            "octo/widgets"
        );
    }

    #[test]
    fn names_follow_github_rules() {
        let check = |name: &str, valid: bool| {
            assert_eq!(validate_name("secret", name).is_ok(), valid, "{name}");
        };
        check("MOOGO_CACHED_TOKEN", true);
        check("rate_limit_marker", true);
        check("_X1", true);
        check("", false);
        check("1ABC", false);
        check("A-B", false);
        check("A/B", false);
        check("GITHUB_TOKEN", false);
        check("github_x", false);
    }

    #[test]
    fn error_messages_come_from_github_json_or_the_body() {
        let check = |body: &str, expected: &str| {
            assert_eq!(error_message(body.as_bytes()), expected);
        };
        check(
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com"}"#,
            "Bad credentials",
        );
        check(
            r#"{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"},{"message":"label too long"}]}"#,
            "Validation Failed (title missing_field; label too long)",
        );
        check(
            "<html>\n  <body>Bad   gateway</body>\n</html>",
            "<html> <body>Bad gateway</body> </html>",
        );
        check("", "(empty body)");
        assert_eq!(error_message("x".repeat(500).as_bytes()).len(), 303);
    }

    #[test]
    fn from_env_reports_every_missing_variable() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let error = GitHub::from_env("PAT_TOKEN", env(&[("PAT_TOKEN", " ")])).unwrap_err();
        assert!(error.is_not_configured());
        assert_eq!(
            error.to_string(),
            "GitHub access is not configured: `PAT_TOKEN` and `GITHUB_REPOSITORY` are not set"
        );
        let github = GitHub::from_env(
            "GITHUB_TOKEN",
            env(&[
                ("GITHUB_TOKEN", "t0ken"),
                ("GITHUB_REPOSITORY", "octo/widgets"),
            ]),
        )
        .unwrap();
        assert_eq!(github.api_url(), "https://api.github.com/");
        assert_eq!(github.repository().to_string(), "octo/widgets");
        let github = GitHub::from_env(
            "GITHUB_TOKEN",
            env(&[
                ("GITHUB_TOKEN", "t0ken"),
                ("GITHUB_REPOSITORY", "octo/widgets"),
                ("GITHUB_API_URL", "https://ghe.example.com/api/v3"),
            ]),
        )
        .unwrap();
        assert_eq!(github.api_url(), "https://ghe.example.com/api/v3");
        assert!(!format!("{github:?}").contains("t0ken"));
    }
}
