//! A device's log: paging, the date filter, and query checks.

use moogo::{Error, LogEntry, LogQuery};

use crate::support::{self, BACKYARD, OwnSim, Shared};

fn id(entry: &LogEntry) -> String {
    entry
        .extra
        .get("id")
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[tokio::test]
async fn pages_through_a_devices_log_newest_first() {
    let shared = Shared::new().await;
    let device = shared.client.device(shared.device_id(BACKYARD).await);
    let all = device
        .logs(&LogQuery::new().with_page_size(100))
        .await
        .unwrap();
    let total = all.total.unwrap();
    assert_eq!(all.items.len(), usize::try_from(total).unwrap().min(100));
    let times: Vec<_> = all.items.iter().map(|e| e.timestamp.unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );

    let page1 = device
        .logs(&LogQuery::new().with_page_size(2))
        .await
        .unwrap();
    let page2 = device
        .logs(&LogQuery::new().with_page(2).with_page_size(2))
        .await
        .unwrap();
    assert_eq!((page1.page, page1.page_size), (Some(1), Some(2)));
    assert_eq!((page2.page, page2.total), (Some(2), Some(total)));
    let paged: Vec<String> = page1.items.iter().chain(&page2.items).map(id).collect();
    let expected: Vec<String> = all.items.iter().take(4).map(id).collect();
    assert_eq!(paged, expected);

    if !shared.is_real() {
        assert_eq!(total, 3);
        let events = |page: &moogo::LogPage| -> Vec<String> {
            page.items.iter().filter_map(|e| e.event.clone()).collect()
        };
        assert_eq!(events(&page1), ["config_changed", "spray_stopped"]);
        assert_eq!(events(&page2), ["spray_started"]);
        assert_eq!(page1.items[1].details, Some("sprayed for 120 s".into()));
        let beyond = device
            .logs(&LogQuery::new().with_page(3).with_page_size(2))
            .await
            .unwrap();
        assert!(beyond.items.is_empty());
    }
    shared.assert_one_login().await;
}

#[tokio::test]
async fn filters_by_date_in_the_devices_time_zone() {
    let shared = Shared::new().await;
    let device = shared.client.device(shared.device_id(BACKYARD).await);
    let zone_name = device
        .config()
        .await
        .unwrap()
        .time_zone
        .unwrap_or("UTC".into());
    let zone = jiff::tz::TimeZone::get(&zone_name).unwrap();
    let all = device
        .logs(&LogQuery::new().with_page_size(100))
        .await
        .unwrap();
    let Some(newest) = all.items.first() else {
        eprintln!("integration: the device has no log entries; nothing to filter");
        return;
    };
    let day = newest.timestamp.unwrap().to_zoned(zone.clone()).date();
    let expected: Vec<String> = all
        .items
        .iter()
        .filter(|e| e.timestamp.unwrap().to_zoned(zone.clone()).date() == day)
        .map(id)
        .collect();
    let filtered = device
        .logs(&LogQuery::new().with_page_size(100).with_dates(day, day))
        .await
        .unwrap();
    assert_eq!(filtered.items.iter().map(id).collect::<Vec<_>>(), expected);
    assert_eq!(filtered.total, Some(expected.len() as i64));
    let tomorrow = day.tomorrow().unwrap();
    let none = device
        .logs(&LogQuery::new().with_dates(tomorrow, tomorrow.tomorrow().unwrap()))
        .await
        .unwrap();
    assert!(none.items.is_empty() || shared.is_real());
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn invalid_queries_never_reach_the_service() {
    if support::skip_on_real_service("counting requests") {
        return;
    }
    let own = OwnSim::instant().await;
    let device = own.client().device(BACKYARD);
    let day = jiff::civil::date(2026, 12, 4);
    for bad in [
        LogQuery::new().with_page(0),
        LogQuery::new().with_page_size(0),
        LogQuery::new().with_page_size(101),
        LogQuery::new().with_dates(day, day.yesterday().unwrap()),
    ] {
        let err = device.logs(&bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    assert_eq!(own.stats().requests, 0);
}
