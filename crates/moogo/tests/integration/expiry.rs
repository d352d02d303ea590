//! Token expiry: the client refreshes a token in its last hour without
//! waiting for a 401, and logs in again when the service rejects an expired one.

use std::time::Duration;

use jiff::SignedDuration;
use moogo::Session;
use moogo_sim::{FaultKind, FaultSpec, SimConfig};

use crate::support::{self, OwnSim};

const HOUR: Duration = Duration::from_secs(3600);

async fn short_lived_tokens() -> Option<OwnSim> {
    if support::skip_on_real_service("moving the clock past a token's lifetime") {
        return None;
    }
    let config = SimConfig::default()
        .with_transition_delay(Duration::ZERO, Duration::ZERO)
        .with_token_ttl(3 * HOUR);
    Some(OwnSim::with_config(config).await)
}

#[tokio::test(start_paused = true)]
async fn a_token_is_refreshed_in_its_last_hour_before_any_401() {
    let Some(own) = short_lived_tokens().await else {
        return;
    };
    let client = own.client();
    let first = client.login().await.unwrap();
    assert_eq!(
        first.expires_at().duration_since(own.sim.now()),
        SignedDuration::from_hours(3)
    );

    own.sim.advance_clock(2 * HOUR - Duration::from_secs(1));
    client.fresh().devices().await.unwrap();
    assert_eq!(own.stats().logins, 1, "more than an hour left");

    own.sim.advance_clock(Duration::from_secs(1));
    let requests = own.stats().requests;
    client.fresh().devices().await.unwrap();
    let stats = own.stats();
    assert_eq!(stats.logins, 2);
    assert_eq!(
        stats.requests,
        requests + 2,
        "a login and the call, no 401 first"
    );
    let second = client.session().unwrap();
    assert_ne!(second.expose_token(), first.expose_token());

    // Other clients find the new session in the file.
    own.client().fresh().devices().await.unwrap();
    assert_eq!(own.stats().logins, 2);
}

#[tokio::test(start_paused = true)]
async fn an_expired_token_draws_a_401_and_one_new_login() {
    let Some(own) = short_lived_tokens().await else {
        return;
    };
    let issued = own.client().login().await.unwrap();
    // A session whose holder believes it lives a year: only the service knows better.
    let believed = Session::new(
        issued.expose_token(),
        issued.user_id(),
        issued.email(),
        own.sim
            .now()
            .checked_add(SignedDuration::from_hours(24 * 365))
            .unwrap(),
    );
    let client = own
        .bare_builder()
        .credentials(moogo_sim::DEMO_EMAIL, moogo_sim::DEMO_PASSWORD)
        .session(believed)
        .build()
        .unwrap();
    own.sim.advance_clock(3 * HOUR);
    let requests = own.stats().requests;
    assert_eq!(client.devices().await.unwrap().len(), 3);
    let stats = own.stats();
    assert_eq!(stats.logins, 2);
    assert_eq!(
        stats.requests,
        requests + 3,
        "the 401, the login, the call again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_restored_session_in_its_last_hour_is_refreshed_at_first_use() {
    let Some(own) = short_lived_tokens().await else {
        return;
    };
    let issued = own.client().login().await.unwrap();
    own.sim.advance_clock(2 * HOUR + Duration::from_secs(60));
    let client = own
        .bare_builder()
        .credentials(moogo_sim::DEMO_EMAIL, moogo_sim::DEMO_PASSWORD)
        .session(issued.clone())
        .build()
        .unwrap();
    client.devices().await.unwrap();
    assert_eq!(own.stats().logins, 2);
    assert_ne!(
        client.session().unwrap().expose_token(),
        issued.expose_token()
    );
}

#[tokio::test(start_paused = true)]
async fn a_refresh_that_fails_keeps_the_valid_token_and_tries_again_later() {
    let Some(own) = short_lived_tokens().await else {
        return;
    };
    let client = own.client();
    let first = client.login().await.unwrap();
    own.sim.advance_clock(2 * HOUR + Duration::from_secs(1));
    // The service is down for the refresh: a proxy's error page.
    own.sim.set_fault(
        FaultSpec::new(FaultKind::Html(503))
            .with_route("POST v1/user/login")
            .unwrap()
            .with_times(1),
    );
    client.fresh().devices().await.unwrap();
    assert_eq!(
        client.session().unwrap().expose_token(),
        first.expose_token()
    );
    assert_eq!(own.stats().logins, 1);
    assert_eq!(own.route("POST v1/user/login"), 2);

    // Not on every call: the next try comes five minutes later.
    client.fresh().devices().await.unwrap();
    assert_eq!(own.route("POST v1/user/login"), 2);
    own.sim.advance_clock(Duration::from_secs(300));
    client.fresh().devices().await.unwrap();
    assert_eq!(own.stats().logins, 2);
    assert_ne!(
        client.session().unwrap().expose_token(),
        first.expose_token()
    );
}

/// With tokens that live less than two hours, a new client (another process)
/// reading the session file reuses the stored token until half its life has
/// passed (the file's modification time tells when it was issued), instead of
/// logging in again because the token is within the usual one-hour margin.
#[tokio::test(start_paused = true)]
async fn a_short_lived_stored_token_is_reused_by_a_new_client_until_halfway() {
    if support::skip_on_real_service("short-lived tokens") {
        return;
    }
    let config = SimConfig::default()
        .with_transition_delay(Duration::ZERO, Duration::ZERO)
        .with_token_ttl(Duration::from_secs(30 * 60));
    let own = OwnSim::with_config(config).await;
    let first = own.client();
    first.devices().await.unwrap();
    first.fresh().devices().await.unwrap();
    let token = first.session().unwrap().expose_token().to_string();
    assert_eq!(own.stats().logins, 1, "the first client keeps its token");

    let second = own.client();
    second.devices().await.unwrap();
    let stats = own.stats();
    assert_eq!(stats.logins, 1, "the new client reuses the stored token");
    assert_eq!(
        (stats.requests, own.route("POST v1/user/login")),
        (4, 1),
        "one login and three device lists"
    );
    assert_eq!(second.session().unwrap().expose_token(), token);

    // Still reused with more than half the life left ...
    own.sim.advance_clock(Duration::from_secs(14 * 60));
    own.client().fresh().devices().await.unwrap();
    assert_eq!(own.stats().logins, 1);
    // ... and refreshed, once, past halfway; the next client reuses the new token.
    own.sim.advance_clock(Duration::from_secs(2 * 60));
    let third = own.client();
    third.fresh().devices().await.unwrap();
    assert_eq!(own.stats().logins, 2);
    assert_ne!(third.session().unwrap().expose_token(), token);
    own.client().fresh().devices().await.unwrap();
    let stats = own.stats();
    assert_eq!((stats.logins, stats.requests), (2, 8));
}
