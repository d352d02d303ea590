//! Bad input is refused before any request.

use std::time::Duration;

use moogo::{ConfigUpdate, Error, LogQuery, ScheduleCreate, ScheduleUpdate};
use wiremock::MockServer;

use crate::support::{client, n_requests};

#[tokio::test]
async fn bad_input_sends_zero_requests() {
    let server = MockServer::start().await;
    let client = client(&server);
    let device = client.device("d1");
    let schedules = device.schedules();
    let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let errors = [
        schedules
            .create(&ScheduleCreate::new(24, 0, 60))
            .await
            .map(drop),
        schedules
            .create(&ScheduleCreate::new(7, 60, 60))
            .await
            .map(drop),
        schedules
            .create(&ScheduleCreate::new(7, 0, 0))
            .await
            .map(drop),
        schedules
            .create(&ScheduleCreate::new(7, 0, 3601))
            .await
            .map(drop),
        schedules
            .create(&ScheduleCreate::new(7, 0, 60).with_weekdays([1, 7]))
            .await
            .map(drop),
        schedules
            .update("s1", &ScheduleUpdate::new().with_hour(99))
            .await,
        schedules.enable("../../v1/user/login").await,
        device
            .update_config(&ConfigUpdate::new().with_time_zone("PST8PDT,M3.2.0,M11.1.0"))
            .await,
        device
            .update_config(&ConfigUpdate::new().with_time_zone("Mars/Olympus_Mons"))
            .await,
        device
            .update_config(&ConfigUpdate::new().with_spraying_seconds(0))
            .await,
        device
            .logs(&LogQuery::new().with_dates(date("2026-06-02"), date("2026-06-01")))
            .await
            .map(drop),
        device
            .logs(&LogQuery::new().with_page_size(0))
            .await
            .map(drop),
        device.spray_for(Duration::from_secs(0)).await.map(drop),
        device.spray_for(Duration::from_secs(3601)).await.map(drop),
        device
            .spray_for(Duration::from_millis(1500))
            .await
            .map(drop),
        client.device("").status().await.map(drop),
        client.device("a/b").start().await,
    ];
    let mut lines = Vec::new();
    for result in errors {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        lines.push(err.to_string());
    }
    assert_eq!(n_requests(&server, None).await, 0);
    insta::assert_snapshot!(lines.join("\n"));
}
