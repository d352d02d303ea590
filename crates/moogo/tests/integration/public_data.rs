//! Public data: the liquids catalogue and the recommended schedules, which
//! need no login and are cached for an hour.

use std::time::Duration;

use crate::support::{self, OwnSim, Shared};

#[tokio::test]
async fn reads_liquids_and_recommended_schedules() {
    let shared = Shared::new().await;
    let liquids = shared.client.liquids().await.unwrap();
    let recommended = shared.client.recommended_schedules().await.unwrap();
    assert!(!liquids.is_empty() && !recommended.is_empty());
    assert!(liquids.iter().all(|liquid| !liquid.id.is_empty()));
    if !shared.is_real() {
        let names: Vec<&str> = liquids.iter().filter_map(|l| l.name.as_deref()).collect();
        assert_eq!(names, ["Mosquito Guard", "Citronella Blend", "Water Only"]);
        assert_eq!(liquids[0].id, "1", "numeric ids read as text");
        let first = &recommended[0];
        assert_eq!(
            (first.id.as_str(), first.hour, first.minute, first.duration),
            ("r-1", Some(6), Some(30), Some(60))
        );
        assert_eq!(recommended[2].weekdays(), [5, 6]);
    }
    // Public data needs no session; this test takes part in the suite's one login anyway.
    shared.client.login().await.unwrap();
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn public_data_needs_no_login_and_is_cached_for_an_hour() {
    if support::skip_on_real_service("counting requests") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.bare_builder().build().unwrap();
    assert_eq!(client.liquids().await.unwrap().len(), 3);
    assert_eq!(client.recommended_schedules().await.unwrap().len(), 3);
    client.liquids().await.unwrap();
    client.recommended_schedules().await.unwrap();
    let routes = || {
        (
            own.route("GET v1/liquid"),
            own.route("GET v1/devices/schedules"),
        )
    };
    assert_eq!(routes(), (1, 1));
    client.fresh().liquids().await.unwrap();
    assert_eq!(routes(), (2, 1));
    support::settle(Duration::from_secs(3599)).await;
    client.recommended_schedules().await.unwrap();
    assert_eq!(routes(), (2, 1));
    support::settle(Duration::from_secs(1)).await;
    client.recommended_schedules().await.unwrap();
    assert_eq!(routes(), (2, 2));
    assert_eq!(own.stats().logins, 0);
}
