//! `cigate::github` against wiremock playing GitHub's REST API as GitHub documents it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cigate::github::{Error, GitHub, IssueState};
use crypto_box::SecretKey;
use crypto_box::aead::OsRng;
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

const TOKEN: &str = "ghs_T0pSecretTokenValue1234567890";
const REPO: &str = "/repos/octo-org/widgets";
const LABELS: [&str; 3] = ["automated", "rate-limit", "integration-tests"];

/// A mock server and a client pointing at it.
async fn setup() -> (MockServer, GitHub) {
    let server = MockServer::start().await;
    let github = GitHub::new(&server.uri(), "octo-org/widgets", SecretString::from(TOKEN))
        .unwrap()
        .with_user_agent("cigate-tests");
    (server, github)
}

/// A mock for `verb` on the repository path `tail` that checks the headers GitHub requires.
fn github_mock(verb: &str, tail: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(format!("{REPO}{tail}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
        .and(header("user-agent", "cigate-tests"))
}

fn issue_json(number: u64, state: &str) -> Value {
    json!({
        "id": 1000 + number,
        "number": number,
        "title": "API Rate Limit Detected - 24h Cooldown Active",
        "state": state,
        "labels": [{"id": 1, "name": "automated", "color": "ededed"}, {"id": 2, "name": "rate-limit"}],
        "body": "Detected at 2026-12-04T20:00:00Z",
        "html_url": format!("https://github.com/octo-org/widgets/issues/{number}"),
        "user": {"login": "github-actions[bot]"},
    })
}

#[tokio::test]
async fn lists_open_issues_with_the_labels_and_skips_pull_requests() {
    let (server, github) = setup().await;
    let mut pull_request = issue_json(3, "open");
    pull_request["pull_request"] =
        json!({"url": "https://api.github.com/repos/octo-org/widgets/pulls/3"});
    github_mock("GET", "/issues")
        .and(query_param("state", "open"))
        .and(query_param(
            "labels",
            "automated,rate-limit,integration-tests",
        ))
        .and(query_param("per_page", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            issue_json(7, "open"),
            pull_request,
            {"number": 9, "title": "no body", "state": "open", "labels": [], "body": null,
             "html_url": "https://github.com/octo-org/widgets/issues/9"},
        ])))
        .expect(1)
        .mount(&server)
        .await;

    let issues = github.issues().list_open(&LABELS).await.unwrap();

    let numbers: Vec<u64> = issues.iter().map(|issue| issue.number).collect();
    assert_eq!(numbers, [7, 9]);
    assert_eq!(
        issues[0].title,
        "API Rate Limit Detected - 24h Cooldown Active"
    );
    assert_eq!(issues[0].state, IssueState::Open);
    assert_eq!(issues[0].labels, ["automated", "rate-limit"]);
    assert_eq!(issues[0].body, "Detected at 2026-12-04T20:00:00Z");
    assert_eq!(
        issues[0].html_url,
        "https://github.com/octo-org/widgets/issues/7"
    );
    assert_eq!(issues[1].body, "");
}

#[tokio::test]
async fn listing_follows_full_pages() {
    let (server, github) = setup().await;
    let full_page: Vec<Value> = (1..=100).map(|number| issue_json(number, "open")).collect();
    github_mock("GET", "/issues")
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_page))
        .expect(1)
        .mount(&server)
        .await;
    github_mock("GET", "/issues")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([issue_json(101, "open")])))
        .expect(1)
        .mount(&server)
        .await;

    let issues = github.issues().list_open(&["rate-limit"]).await.unwrap();

    assert_eq!(issues.len(), 101);
}

#[tokio::test]
async fn creates_an_issue_with_title_body_and_labels() {
    let (server, github) = setup().await;
    github_mock("POST", "/issues")
        .and(body_json(json!({
            "title": "API Rate Limit Detected - 24h Cooldown Active",
            "body": "Detected at 2026-12-04T20:00:00Z",
            "labels": LABELS,
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(issue_json(12, "open")))
        .expect(1)
        .mount(&server)
        .await;

    let issue = github
        .issues()
        .create(
            "API Rate Limit Detected - 24h Cooldown Active",
            "Detected at 2026-12-04T20:00:00Z",
            &LABELS,
        )
        .await
        .unwrap();

    assert_eq!(issue.number, 12);
}

#[tokio::test]
async fn comments_updates_and_closes_an_issue() {
    let (server, github) = setup().await;
    github_mock("POST", "/issues/7/comments")
        .and(body_json(json!({"body": "Integration tests pass again."})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1, "body": "x"})))
        .expect(1)
        .mount(&server)
        .await;
    github_mock("PATCH", "/issues/7")
        .and(body_json(json!({"body": "Detected again at 21:00"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue_json(7, "open")))
        .expect(1)
        .mount(&server)
        .await;
    github_mock("PATCH", "/issues/7")
        .and(body_json(
            json!({"state": "closed", "state_reason": "completed"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue_json(7, "closed")))
        .expect(1)
        .mount(&server)
        .await;

    let issues = github.issues();
    issues
        .comment(7, "Integration tests pass again.")
        .await
        .unwrap();
    issues
        .update_body(7, "Detected again at 21:00")
        .await
        .unwrap();
    let closed = issues.close(7).await.unwrap();

    assert_eq!(closed.state, IssueState::Closed);
}

#[tokio::test]
async fn reads_a_variable_or_none_when_missing() {
    let (server, github) = setup().await;
    github_mock("GET", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "name": "RATE_LIMIT_MARKER",
            "value": "2026-12-04T20:00:00Z",
            "created_at": "2026-12-04T20:00:01Z",
            "updated_at": "2026-12-04T20:00:01Z",
        })))
        .expect(1)
        .mount(&server)
        .await;
    github_mock("GET", "/actions/variables/OTHER_MARKER")
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;

    let variables = github.variables();
    assert_eq!(
        variables.get("RATE_LIMIT_MARKER").await.unwrap().as_deref(),
        Some("2026-12-04T20:00:00Z")
    );
    assert_eq!(variables.get("OTHER_MARKER").await.unwrap(), None);
}

#[tokio::test]
async fn set_updates_an_existing_variable() {
    let (server, github) = setup().await;
    github_mock("PATCH", "/actions/variables/RATE_LIMIT_MARKER")
        .and(body_json(
            json!({"name": "RATE_LIMIT_MARKER", "value": "2026-12-04T20:00:00Z"}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    github
        .variables()
        .set("RATE_LIMIT_MARKER", "2026-12-04T20:00:00Z")
        .await
        .unwrap();

    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn set_creates_a_missing_variable() {
    let (server, github) = setup().await;
    github_mock("PATCH", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;
    github_mock("POST", "/actions/variables")
        .and(body_json(
            json!({"name": "RATE_LIMIT_MARKER", "value": "2026-12-04T20:00:00Z"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    github
        .variables()
        .set("RATE_LIMIT_MARKER", "2026-12-04T20:00:00Z")
        .await
        .unwrap();
}

#[tokio::test]
async fn deleting_a_missing_variable_is_fine() {
    let (server, github) = setup().await;
    github_mock("DELETE", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    github_mock("DELETE", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;

    let variables = github.variables();
    assert!(variables.delete("RATE_LIMIT_MARKER").await.unwrap());
    assert!(!variables.delete("RATE_LIMIT_MARKER").await.unwrap());
}

#[tokio::test]
async fn invalid_names_are_refused_before_any_request() {
    let (server, github) = setup().await;

    let error = github
        .variables()
        .set("GITHUB_MARKER", "x")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid variable name `GITHUB_MARKER`: the `GITHUB_` prefix is reserved by GitHub"
    );
    let error = github
        .secrets()
        .set("MOOGO-TOKEN", &SecretString::from("value"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidName { kind: "secret", .. }),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn stores_a_secret_sealed_for_the_repository_key() {
    let (server, github) = setup().await;
    let secret_key = SecretKey::generate(&mut OsRng);
    github_mock("GET", "/actions/secrets/public-key")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "key_id": "012345678912345678",
            "key": BASE64.encode(secret_key.public_key().as_bytes()),
        })))
        .expect(1)
        .mount(&server)
        .await;
    github_mock("PUT", "/actions/secrets/MOOGO_CACHED_TOKEN")
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let value = "eyJhbGciOiJIUzI1NiJ9.session-token";

    github
        .secrets()
        .set("MOOGO_CACHED_TOKEN", &SecretString::from(value))
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let put = requests
        .iter()
        .find(|request| request.method.as_str() == "PUT")
        .unwrap();
    let body: Value = serde_json::from_slice(&put.body).unwrap();
    let fields: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields, ["encrypted_value", "key_id"]);
    assert_eq!(body["key_id"], "012345678912345678");
    let sealed = BASE64
        .decode(body["encrypted_value"].as_str().unwrap())
        .unwrap();
    assert_eq!(secret_key.unseal(&sealed).unwrap(), value.as_bytes());
    assert!(!String::from_utf8_lossy(&put.body).contains("session-token"));
}

#[tokio::test]
async fn one_public_key_seals_several_secrets() {
    let (server, github) = setup().await;
    let secret_key = SecretKey::generate(&mut OsRng);
    github_mock("GET", "/actions/secrets/public-key")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "key_id": "k-2",
            "key": BASE64.encode(secret_key.public_key().as_bytes()),
        })))
        .expect(1)
        .mount(&server)
        .await;
    for name in ["MOOGO_CACHED_USER_ID", "MOOGO_CACHED_EXPIRES"] {
        github_mock("PUT", &format!("/actions/secrets/{name}"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }

    let secrets = github.secrets();
    let key = secrets.public_key().await.unwrap();
    assert_eq!(key.key_id(), "k-2");
    secrets
        .put(&key, "MOOGO_CACHED_USER_ID", &SecretString::from("user-42"))
        .await
        .unwrap();
    secrets
        .put(
            &key,
            "MOOGO_CACHED_EXPIRES",
            &SecretString::from("2026-12-05T20:00:00Z"),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn sends_to_the_api_url_from_the_environment() {
    let server = MockServer::start().await;
    let api_url = format!("{}/api/v3", server.uri());
    let env = |name: &str| match name {
        "PAT_TOKEN" => Some(TOKEN.to_owned()),
        "GITHUB_REPOSITORY" => Some("octo-org/widgets".to_owned()),
        "GITHUB_API_URL" => Some(api_url.clone()),
        _ => None,
    };
    Mock::given(method("DELETE"))
        .and(path(
            "/api/v3/repos/octo-org/widgets/actions/variables/RATE_LIMIT_MARKER",
        ))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header(
            "user-agent",
            concat!("cigate/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let github = GitHub::from_env("PAT_TOKEN", env).unwrap();

    assert!(
        github
            .variables()
            .delete("RATE_LIMIT_MARKER")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn an_unconfigured_environment_is_reported_not_fatal() {
    let error = GitHub::from_env("GITHUB_TOKEN", |_: &str| None).unwrap_err();

    assert!(error.is_not_configured());
    assert_eq!(
        error.to_string(),
        "GitHub access is not configured: `GITHUB_TOKEN` and `GITHUB_REPOSITORY` are not set"
    );
}

/// Renders an error the way the binary does: the message, then the hint.
fn render(error: &Error) -> String {
    match error.hint() {
        Some(hint) => format!("{error}\n  hint: {hint}"),
        None => error.to_string(),
    }
}

/// Asserts the token appears in no rendering of `error`.
fn assert_no_token(error: &Error) {
    for text in [error.to_string(), format!("{error:?}"), render(error)] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("T0pSecret"), "token leaked: {text}");
    }
}

#[tokio::test]
async fn http_errors_are_typed_with_hints_and_never_show_the_token() {
    let (server, github) = setup().await;
    let json_error = |status: u16, message: &str| {
        ResponseTemplate::new(status).set_body_json(json!({
            "message": message,
            "documentation_url": "https://docs.github.com/rest",
        }))
    };
    github_mock("GET", "/issues")
        .respond_with(json_error(401, "Bad credentials"))
        .mount(&server)
        .await;
    github_mock("POST", "/issues")
        .respond_with(json_error(403, "Resource not accessible by integration"))
        .mount(&server)
        .await;
    github_mock("PATCH", "/issues/404")
        .respond_with(json_error(404, "Not Found"))
        .mount(&server)
        .await;
    github_mock("POST", "/actions/variables")
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Validation Failed",
            "errors": [{"resource": "Variable", "field": "name", "code": "already_exists"}],
        })))
        .mount(&server)
        .await;
    github_mock("PATCH", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(json_error(403, "Resource not accessible by integration"))
        .mount(&server)
        .await;
    github_mock("GET", "/actions/secrets/public-key")
        .respond_with(json_error(403, "Resource not accessible by integration"))
        .mount(&server)
        .await;
    github_mock("DELETE", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(
            ResponseTemplate::new(502).set_body_string("<html><h1>502 Bad Gateway</h1></html>"),
        )
        .mount(&server)
        .await;

    let errors = [
        github.issues().list_open(&LABELS).await.unwrap_err(),
        github.issues().create("t", "b", &LABELS).await.unwrap_err(),
        github.issues().close(404).await.unwrap_err(),
        github
            .variables()
            .create("RATE_LIMIT_MARKER", "x")
            .await
            .unwrap_err(),
        github
            .variables()
            .set("RATE_LIMIT_MARKER", "x")
            .await
            .unwrap_err(),
        github
            .secrets()
            .set("MOOGO_CACHED_TOKEN", &SecretString::from("v"))
            .await
            .unwrap_err(),
        github
            .variables()
            .delete("RATE_LIMIT_MARKER")
            .await
            .unwrap_err(),
    ];

    let statuses: Vec<Option<u16>> = errors.iter().map(Error::status).collect();
    assert_eq!(
        statuses,
        [
            Some(401),
            Some(403),
            Some(404),
            Some(422),
            Some(403),
            Some(403),
            Some(502)
        ]
    );
    let transient: Vec<bool> = errors.iter().map(Error::is_transient).collect();
    assert_eq!(transient, [false, false, false, false, false, false, true]);
    assert!(errors[2].is_not_found());
    assert!(matches!(&errors[3], Error::Status { method, path, .. }
        if method == "POST" && path == "/repos/octo-org/widgets/actions/variables"));
    errors.iter().for_each(assert_no_token);
    let rendered: Vec<String> = errors.iter().map(render).collect();
    insta::assert_snapshot!(rendered.join("\n\n"));
}

#[tokio::test]
async fn an_unreachable_server_is_a_transient_transport_error() {
    // A port that was just free: nothing listens there once the listener is dropped.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let github = GitHub::new(&uri, "octo-org/widgets", SecretString::from(TOKEN)).unwrap();

    let error = github.issues().list_open(&LABELS).await.unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_transient());
    assert_eq!(
        error.to_string(),
        "could not send `GET /repos/octo-org/widgets/issues` to GitHub"
    );
    assert_no_token(&error);
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error() {
    let (server, github) = setup().await;
    github_mock("GET", "/actions/variables/RATE_LIMIT_MARKER")
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"unexpected\": true}"))
        .mount(&server)
        .await;

    let error = github
        .variables()
        .get("RATE_LIMIT_MARKER")
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "could not read GitHub's answer to `GET /repos/octo-org/widgets/actions/variables/RATE_LIMIT_MARKER`"
    );
}

#[test]
fn the_client_debug_output_hides_the_token() {
    let github = GitHub::new(
        "https://api.github.com",
        "octo-org/widgets",
        SecretString::from(TOKEN),
    )
    .unwrap();

    let debug = format!("{github:?}");

    assert!(!debug.contains("T0pSecret"), "{debug}");
    assert!(debug.contains("octo-org"), "{debug}");
}

#[test]
fn a_token_with_a_line_break_is_refused_without_echoing_it() {
    let error = GitHub::new(
        "https://api.github.com",
        "octo-org/widgets",
        SecretString::from(format!("{TOKEN}\nextra")),
    )
    .unwrap_err();

    assert!(matches!(error, Error::InvalidToken), "{error:?}");
    assert_no_token(&error);
}
