//! Logging in as rarely as possible: reuse, refresh, re-login limits.

use std::time::Duration;

use moogo::{Error, FileStore, SessionStore};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, NEW_TOKEN, TOKEN, code, login_ok, mount_login, ok};

async fn mount_devices(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .and(header("token", token))
        .respond_with(ok(json!({"items": []})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_stored_session_is_reused_without_login() {
    let server = MockServer::start().await;
    mount_login(&server, login_ok(NEW_TOKEN), 0).await;
    mount_devices(&server, TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("session.json"));
    store.save(&support::session(TOKEN)).unwrap();
    for _ in 0..3 {
        let client = support::builder(&server)
            .session_store(store.clone())
            .build()
            .unwrap();
        client.fresh().devices().await.unwrap();
    }
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_login_is_saved_for_the_next_client() {
    let server = MockServer::start().await;
    mount_login(&server, login_ok(TOKEN), 1).await;
    mount_devices(&server, TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let session_file = dir.path().join("state/session.json");
    for _ in 0..3 {
        let client = support::builder(&server)
            .session_file(&session_file)
            .build()
            .unwrap();
        client.devices().await.unwrap();
    }
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&session_file).unwrap()).unwrap();
    assert_eq!(
        saved,
        json!({"token": TOKEN, "user_id": "user-1", "email": support::EMAIL,
            "expires_at": "2027-06-01T12:00:00Z"})
    );
}

#[tokio::test(start_paused = true)]
async fn the_token_is_refreshed_in_its_last_hour() {
    let server = MockServer::start().await;
    mount_login(&server, login_ok(NEW_TOKEN), 1).await;
    mount_devices(&server, TOKEN).await;
    mount_devices(&server, NEW_TOKEN).await;
    let expires = support::start()
        .checked_add(jiff::SignedDuration::from_hours(3))
        .unwrap();
    let client = support::builder(&server)
        .session(moogo::Session::new(
            TOKEN,
            "user-1",
            support::EMAIL,
            expires,
        ))
        .build()
        .unwrap();
    client.fresh().devices().await.unwrap();
    assert_eq!(
        support::n_requests(&server, Some("/v1/user/login")).await,
        0
    );
    tokio::time::advance(Duration::from_secs(2 * 3600 + 1)).await;
    client.fresh().devices().await.unwrap();
    assert_eq!(client.session().unwrap().expose_token(), NEW_TOKEN);
    server.verify().await;
}

#[tokio::test]
async fn concurrent_calls_share_one_login() {
    let server = MockServer::start().await;
    mount_login(&server, login_ok(TOKEN), 1).await;
    mount_devices(&server, TOKEN).await;
    let client = support::builder(&server).cache(false).build().unwrap();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.devices().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    server.verify().await;
}

#[tokio::test]
async fn a_401_code_or_status_triggers_one_relogin() {
    for rejection in [code(401, "token expired"), ResponseTemplate::new(401)] {
        let server = MockServer::start().await;
        mount_login(&server, login_ok(NEW_TOKEN), 1).await;
        Mock::given(method("GET"))
            .and(path("/v1/devices"))
            .and(header("token", TOKEN))
            .respond_with(rejection)
            .expect(1)
            .mount(&server)
            .await;
        mount_devices(&server, NEW_TOKEN).await;
        let client = support::client(&server);
        client.devices().await.unwrap();
        assert_eq!(client.session().unwrap().expose_token(), NEW_TOKEN);
        server.verify().await;
    }
}

#[tokio::test(start_paused = true)]
async fn relogins_are_limited_to_three_in_five_minutes() {
    let server = MockServer::start().await;
    mount_login(&server, login_ok(NEW_TOKEN), 3).await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .respond_with(code(401, "token rejected"))
        .mount(&server)
        .await;
    let client = support::builder(&server)
        .session(support::session(TOKEN))
        .cache(false)
        .build()
        .unwrap();
    for _ in 0..3 {
        let err = client.devices().await.unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    }
    let err = client.devices().await.unwrap_err();
    assert!(matches!(err, Error::LoginPaused { .. }), "{err:?}");
    insta::assert_snapshot!(err.to_string(), @"login paused until 2026-06-01T12:05:00Z: the service rejected the token 3 times in 5 minutes; check the account in the app");
    let err = client.devices().await.unwrap_err();
    assert!(matches!(err, Error::LoginPaused { .. }), "{err:?}");
    server.verify().await;
}

#[tokio::test]
async fn invalid_credentials_are_never_tried_twice() {
    let server = MockServer::start().await;
    mount_login(&server, code(10104, "wrong email or password"), 1).await;
    let client = support::builder(&server).build().unwrap();
    for _ in 0..3 {
        let err = client.devices().await.unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials { .. }), "{err:?}");
        assert!(!err.is_transient());
    }
    server.verify().await;
}

#[tokio::test]
async fn no_credentials_and_no_session_sends_nothing() {
    let server = MockServer::start().await;
    let client = moogo::Client::builder()
        .base_url(server.uri())
        .http_client(support::http())
        .build()
        .unwrap();
    let err = client.devices().await.unwrap_err();
    assert!(matches!(err, Error::MissingCredentials), "{err:?}");
    assert_eq!(support::n_requests(&server, None).await, 0);
}

#[tokio::test]
async fn the_cached_environment_session_is_used() {
    let server = MockServer::start().await;
    mount_login(&server, login_ok(NEW_TOKEN), 0).await;
    mount_devices(&server, TOKEN).await;
    let client = support::builder(&server)
        .from_lookup(|name| {
            Some(match name {
                "MOOGO_CACHED_TOKEN" => TOKEN.to_string(),
                "MOOGO_CACHED_USER_ID" => "user-1".to_string(),
                "MOOGO_CACHED_EXPIRES" => "2099-01-01T00:00:00".to_string(),
                _ => return None,
            })
        })
        .build()
        .unwrap();
    client.devices().await.unwrap();
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_short_lived_token_is_not_refreshed_on_every_call() {
    let server = MockServer::start().await;
    let short = ok(json!({"token": TOKEN, "userId": "user-1", "ttl": 1800}));
    mount_login(&server, short, 2).await;
    mount_devices(&server, TOKEN).await;
    let client = support::builder(&server).cache(false).build().unwrap();
    for _ in 0..5 {
        client.devices().await.unwrap();
    }
    assert_eq!(
        support::n_requests(&server, Some("/v1/user/login")).await,
        1
    );
    // Refreshed after half of its 30 minutes.
    tokio::time::advance(Duration::from_secs(15 * 60)).await;
    client.devices().await.unwrap();
    client.devices().await.unwrap();
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_keeps_the_valid_token_and_waits_before_trying_again() {
    let server = MockServer::start().await;
    mount_login(&server, ResponseTemplate::new(503), 1).await;
    mount_devices(&server, TOKEN).await;
    let expires = support::start()
        .checked_add(jiff::SignedDuration::from_mins(30))
        .unwrap();
    let client = support::builder(&server)
        .session(moogo::Session::new(
            TOKEN,
            "user-1",
            support::EMAIL,
            expires,
        ))
        .cache(false)
        .build()
        .unwrap();
    for _ in 0..3 {
        client.devices().await.unwrap();
    }
    server.verify().await;
    assert_eq!(support::n_requests(&server, Some("/v1/devices")).await, 3);
}

#[tokio::test]
async fn a_rejected_token_without_credentials_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let client = moogo::Client::builder()
        .base_url(server.uri())
        .http_client(support::http())
        .session(support::session(TOKEN))
        .build()
        .unwrap();
    let err = client.devices().await.unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"unauthorized on `v1/devices`: HTTP 401 with an empty body (the token was rejected and no credentials are set to log in again)");
}
