//! Sessions: one login for the whole run, export and restore, the session
//! file contract, the environment store, credentials that are wrong or missing.

use moogo::{Client, Error, FileStore, SessionStore};
use moogo_sim::{DEMO_EMAIL, SimConfig};
use serde_json::Value;

use crate::support::{self, OwnSim, Shared};

#[tokio::test]
async fn new_clients_reuse_the_shared_session() {
    let shared = Shared::new().await;
    let first = shared.client.login().await.unwrap();
    for _ in 0..3 {
        let client = shared.target().builder().build().unwrap();
        let again = client.login().await.unwrap();
        assert_eq!(again.expose_token(), first.expose_token());
        assert_eq!(again.user_id(), first.user_id());
    }
    if !shared.is_real() {
        assert_eq!(first.user_id(), "u-100001");
        assert_eq!(first.email(), DEMO_EMAIL);
    }
    shared.assert_one_login().await;
}

#[tokio::test]
async fn an_exported_session_restores_without_credentials_or_store() {
    let shared = Shared::new().await;
    let session = shared.client.login().await.unwrap();
    let shown = format!("{session:?} {session}");
    assert!(!shown.contains(session.expose_token()), "{shown}");

    let json = serde_json::to_string(&session).unwrap();
    let restored: moogo::Session = serde_json::from_str(&json).unwrap();
    let base_url = shared.client.base_url().as_str().to_string();
    let client = Client::builder()
        .base_url(base_url)
        .http_client(support::http())
        .session(restored)
        .build()
        .unwrap();
    assert!(!client.devices().await.unwrap().is_empty());
    assert_eq!(
        client.session().unwrap().expose_token(),
        session.expose_token()
    );
    shared.assert_one_login().await;
}

#[tokio::test]
async fn the_session_file_holds_the_contract_fields() {
    let shared = Shared::new().await;
    shared.client.login().await.unwrap();
    let path = shared.target().session_file();
    let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["email", "expires_at", "token", "user_id"],
        "{}",
        path.display()
    );
    let expires_at: moogo::Timestamp = json["expires_at"].as_str().unwrap().parse().unwrap();
    assert!(expires_at > moogo::Timestamp::now());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn a_session_from_the_environment_is_used_without_a_login() {
    if support::skip_on_real_service("counting logins") {
        return;
    }
    let own = OwnSim::instant().await;
    let session = own.client().login().await.unwrap();
    let expires = session
        .expires_at()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let lookup = |name: &str| match name {
        "MOOGO_BASE_URL" => Some(own.sim.base_url()),
        "MOOGO_CACHED_TOKEN" => Some(session.expose_token().to_string()),
        "MOOGO_CACHED_USER_ID" => Some(session.user_id().to_string()),
        // A naive ISO timestamp, read as UTC.
        "MOOGO_CACHED_EXPIRES" => Some(expires.clone()),
        _ => None,
    };
    let client = own.bare_builder().from_lookup(lookup).build().unwrap();
    assert_eq!(client.devices().await.unwrap().len(), 3);
    assert_eq!(client.session().unwrap().user_id(), "u-100001");
    assert_eq!(own.stats().logins, 1);
}

#[tokio::test(start_paused = true)]
async fn wrong_credentials_are_reported_once_and_never_tried_again() {
    if support::skip_on_real_service("a failed login") {
        return;
    }
    // A lenient service: three failures before a lockout.
    let own = OwnSim::with_config(SimConfig::default().with_lockout_after(3)).await;
    let client = own
        .bare_builder()
        .credentials(DEMO_EMAIL, "not-the-password")
        .session_file(own.session_file())
        .build()
        .unwrap();
    let err = client.devices().await.unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials { .. }), "{err:?}");
    assert!(!err.is_transient());
    assert!(!err.to_string().contains("not-the-password"), "{err}");
    for _ in 0..3 {
        let err = client.login().await.unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials { .. }), "{err:?}");
    }
    let stats = own.stats();
    assert_eq!(
        (stats.requests, stats.failed_logins, stats.lockouts),
        (1, 1, 0)
    );
    assert!(FileStore::new(own.session_file()).load().unwrap().is_none());
}

#[tokio::test(start_paused = true)]
async fn without_credentials_or_session_nothing_is_sent() {
    if support::skip_on_real_service("counting requests") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.bare_builder().build().unwrap();
    let err = client.devices().await.unwrap_err();
    assert!(matches!(err, Error::MissingCredentials), "{err:?}");
    assert_eq!(own.stats().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_and_tasks_starting_together_log_in_once() {
    if support::skip_on_real_service("counting logins") {
        return;
    }
    let own = OwnSim::instant().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = own.client();
        for _ in 0..4 {
            let client = client.clone();
            tasks.spawn(async move { client.fresh().devices().await.map(|d| d.len()) });
        }
    }
    while let Some(joined) = tasks.join_next().await {
        assert_eq!(joined.unwrap().unwrap(), 3);
    }
    let stats = own.stats();
    assert_eq!((stats.logins, stats.requests), (1, 33));
}

#[tokio::test(start_paused = true)]
async fn a_service_that_forgets_every_token_draws_one_new_login() {
    if support::skip_on_real_service("resetting the service") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    client.devices().await.unwrap();
    // Over the control surface, as a test against a standalone simulator would.
    let reset: Value = support::http()
        .post(format!("{}/__sim/reset", own.sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reset, serde_json::json!({"reset": true}));
    assert_eq!(own.stats(), moogo_sim::Stats::default());

    client.fresh().devices().await.unwrap();
    own.client().fresh().devices().await.unwrap();
    let stats = support::sim_stats(&own.sim.base_url()).await;
    assert_eq!(
        stats.logins, 1,
        "one re-login after the 401, shared through the file"
    );
    assert_eq!(
        stats.requests, 4,
        "a 401, the login, the call again, the second client"
    );
}
