//! The GitHub side of a run inside Actions, end to end: the `cigate` binary against a local
//! server playing GitHub's REST API (issues, the marker variable, sealed secrets).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_box::SecretKey;
use crypto_box::aead::OsRng;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Repo, Run};

const CONFIG: &str = r#"
[cooldown]
marker = { github_variable = "RATE_LIMIT_MARKER", file = ".cigate/marker" }

[rate_limit]
patterns = ['(?i)\brate[ -]?limited\b']

[[check]]
name = "integration"
run = "./integration.sh"
required = false
cooldown_gated = true
"#;

fn actions_repo(server: &MockServer, marker: &str) -> Repo {
    let mut repo = Repo::new(CONFIG);
    repo.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_API_URL", &server.uri())
        .env("GITHUB_REPOSITORY", "owner/repo")
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_WORKFLOW", "CI")
        .env("GITHUB_TOKEN", "ghs_job_token")
        .env("PAT_TOKEN", "github_pat_secret")
        // The workflow passes the variable's value; empty means no marker.
        .env("RATE_LIMIT_MARKER", marker);
    repo
}

async fn cigate(repo: Repo, args: &'static [&'static str]) -> (Repo, Run) {
    tokio::task::spawn_blocking(move || {
        let run = repo.cigate(args);
        (repo, run)
    })
    .await
    .unwrap()
}

fn issue_json(number: u64, state: &str) -> Value {
    json!({
        "number": number,
        "title": "API Rate Limit Detected - 24h Cooldown Active",
        "state": state,
        "labels": [{"name": "automated"}, {"name": "rate-limit"}, {"name": "integration-tests"}],
        "body": "...",
        "html_url": format!("https://github.com/owner/repo/issues/{number}"),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_sets_the_variable_and_opens_the_issue() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(
            "/repos/owner/repo/actions/variables/RATE_LIMIT_MARKER",
        ))
        .and(header("authorization", "Bearer github_pat_secret"))
        .and(body_json(
            json!({"name": "RATE_LIMIT_MARKER", "value": "2024-05-01T02:00:00Z"}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/owner/repo/issues"))
        .and(header("authorization", "Bearer ghs_job_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/owner/repo/issues"))
        .and(header("authorization", "Bearer ghs_job_token"))
        .respond_with(ResponseTemplate::new(201).set_body_json(issue_json(7, "open")))
        .expect(1)
        .mount(&server)
        .await;
    let repo = actions_repo(&server, "");
    repo.script("integration.sh", "echo 'Error: rate limited'; exit 1");
    let (repo, run) = cigate(
        repo,
        &["--now", "2024-05-01T02:00:00Z", "run", "integration"],
    )
    .await;
    run.expect_code(4).expect_stdout(
        "::notice::opened issue #7 \"API Rate Limit Detected - 24h Cooldown Active\"",
    );
    assert!(
        !repo.path(".cigate/marker").exists(),
        "the variable, not the file, in Actions"
    );

    let requests = server.received_requests().await.unwrap();
    let create = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(
        body["title"],
        "API Rate Limit Detected - 24h Cooldown Active"
    );
    assert_eq!(
        body["labels"],
        json!(["automated", "rate-limit", "integration-tests"])
    );
    let text = body["body"].as_str().unwrap();
    assert!(text.contains("- **Workflow:** CI"), "{text}");
    assert!(
        text.contains("[run 42](https://github.com/owner/repo/actions/runs/42)"),
        "{text}"
    );
    let list = requests
        .iter()
        .find(|r| r.method.as_str() == "GET")
        .unwrap();
    assert_eq!(
        list.url.query(),
        Some("state=open&labels=automated%2Crate-limit%2Cintegration-tests&per_page=100&page=1")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn passing_after_the_window_deletes_the_variable_and_closes_the_issue() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(
            "/repos/owner/repo/actions/variables/RATE_LIMIT_MARKER",
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/owner/repo/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([issue_json(7, "open")])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/owner/repo/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/owner/repo/issues/7"))
        .and(body_json(
            json!({"state": "closed", "state_reason": "completed"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue_json(7, "closed")))
        .expect(1)
        .mount(&server)
        .await;
    let repo = actions_repo(&server, "2024-05-01T02:00:00Z");
    repo.script("integration.sh", "echo ok");
    let (_repo, run) = cigate(
        repo,
        &[
            "--now",
            "2024-05-02T02:00:00Z",
            "pipeline",
            "--event",
            "schedule",
        ],
    )
    .await;
    run.expect_code(0)
        .expect_stdout("::notice::closed issue #7");
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_sync_seals_changed_values_for_the_repository_key() {
    let server = MockServer::start().await;
    let secret_key = SecretKey::generate(&mut OsRng);
    Mock::given(method("GET"))
        .and(path("/repos/owner/repo/actions/secrets/public-key"))
        .and(header("authorization", "Bearer github_pat_secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "key_id": "key-1",
            "key": BASE64.encode(secret_key.public_key().as_bytes()),
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let mut repo = actions_repo(&server, "");
    repo.env("MOOGO_CACHED_TOKEN", "old-token-value")
        .env("MOOGO_CACHED_USER_ID", "user-77");
    repo.write(
        ".moogo/session.json",
        r#"{"token": "fresh-token-value", "user_id": "user-77", "email": "a@b.c", "expires_at": "2024-06-01T00:00:00Z"}"#,
    );
    let (_repo, run) = cigate(
        repo,
        &["secrets", "sync", "--session", ".moogo/session.json"],
    )
    .await;
    run.expect_code(0)
        .expect_stdout("::notice::updated secrets MOOGO_CACHED_EXPIRES, MOOGO_CACHED_TOKEN");
    assert_eq!(
        run.stdout.matches("fresh-token-value").count(),
        1,
        "only in ::add-mask::"
    );

    let requests = server.received_requests().await.unwrap();
    let mut sealed = Vec::new();
    for put in requests.iter().filter(|r| r.method.as_str() == "PUT") {
        let body: Value = serde_json::from_slice(&put.body).unwrap();
        assert_eq!(body["key_id"], "key-1");
        let ciphertext = BASE64
            .decode(body["encrypted_value"].as_str().unwrap())
            .unwrap();
        let plain = String::from_utf8(secret_key.unseal(&ciphertext).unwrap()).unwrap();
        sealed.push((put.url.path().to_owned(), plain));
    }
    sealed.sort();
    assert_eq!(
        sealed,
        [
            (
                "/repos/owner/repo/actions/secrets/MOOGO_CACHED_EXPIRES".to_owned(),
                "2024-06-01T00:00:00Z".to_owned()
            ),
            (
                "/repos/owner/repo/actions/secrets/MOOGO_CACHED_TOKEN".to_owned(),
                "fresh-token-value".to_owned()
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_issue_is_an_error_annotation_but_the_result_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/owner/repo/issues"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Resource not accessible by integration"})),
        )
        .mount(&server)
        .await;
    let repo = actions_repo(&server, "");
    repo.script("integration.sh", "echo 'Error: rate limited'; exit 1");
    let (repo, run) = cigate(
        repo,
        &["--now", "2024-05-01T02:00:00Z", "run", "integration"],
    )
    .await;
    run.expect_code(4)
        .expect_stdout("::error::GitHub: failed to open or update the rate-limit issue");
    assert_eq!(repo.result("integration")["outcome"], "rate_limited");
}
