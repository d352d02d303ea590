//! `devices`, `status`, `spray`, `logs`, `config`, `firmware`, `liquids`, `recommended`.

use insta::assert_snapshot;

use crate::support::Setup;

#[test]
fn devices_lists_name_id_online_spraying_firmware() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!("devices", setup.moogo(&["devices"]).ok());
    assert_snapshot!("devices_json", setup.moogo(&["devices", "--json"]).ok());
    let json = setup.moogo(&["--json", "devices"]).json();
    let garage = &json["devices"][2];
    assert_eq!(
        (garage["name"].as_str(), garage["online"].as_bool()),
        (Some("Garage"), Some(false))
    );
}

#[test]
fn status_by_name_in_any_case_or_by_id() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    let by_name = setup.moogo(&["status", "patio"]);
    assert_snapshot!("status", by_name.ok());
    let by_id = setup.moogo(&["status", "a1c4e5f60002"]);
    assert_eq!(by_id.ok(), by_name.ok());
    let json = setup.moogo(&["status", "PATIO", "--json"]).json();
    assert_eq!(json["id"], "a1c4e5f60002");
    assert!(json["temperature_c"].is_number(), "{json}");
    assert!(json["latest_spray_end"].is_string(), "{json}");
}

#[test]
fn unknown_device_lists_the_names() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!(
        "unknown_device",
        setup.moogo(&["status", "Kitchen"]).fails(65)
    );
}

#[test]
fn spray_start_waits_for_the_device_then_stop() {
    let setup = Setup::new();
    assert_eq!(
        setup.moogo(&["spray", "start", "Backyard"]).ok(),
        "Backyard is spraying.\n"
    );
    assert_eq!(
        setup.moogo(&["status", "Backyard", "--json"]).json()["spraying"],
        true
    );
    let stopped = setup.moogo(&["spray", "stop", "backyard", "--json"]).json();
    assert_eq!(stopped["action"], "stopped");
    assert_eq!(
        setup.moogo(&["status", "Backyard", "--json"]).json()["spraying"],
        false
    );
}

#[test]
fn spray_without_waiting() {
    let setup = Setup::new();
    let started = setup.moogo(&["spray", "start", "Patio", "--no-wait"]);
    assert_eq!(
        started.ok(),
        "Patio: start sent; the device has not confirmed yet.\n"
    );
    let stopped = setup
        .moogo(&["spray", "stop", "Patio", "--no-wait", "--json"])
        .json();
    assert_eq!(stopped["action"], "stop_requested");
    assert_eq!(stopped["device_id"], "a1c4e5f60002");
}

#[test]
fn timed_spray_starts_and_stops() {
    let setup = Setup::new();
    let run = setup.moogo(&["spray", "start", "Patio", "--for", "1s", "--json"]);
    let json = run.json();
    assert_eq!(
        (json["action"].as_str(), json["seconds"].as_u64()),
        (Some("sprayed_for"), Some(1))
    );
    let routes = setup.stats().by_route;
    let count = |route: &str| {
        routes
            .iter()
            .filter(|(name, _)| name.contains(route))
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    assert_eq!((count("/start"), count("/stop")), (1, 1), "{routes:?}");
    assert_eq!(
        setup.moogo(&["status", "Patio", "--json"]).json()["spraying"],
        false
    );
}

#[test]
fn logs_pages_and_dates() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!("logs", setup.moogo(&["logs", "Backyard"]).ok());
    let json = setup
        .moogo(&["logs", "Backyard", "--page-size", "2", "--json"])
        .json();
    assert_eq!(
        (json["page"].as_u64(), json["page_size"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(json["entries"].as_array().map(Vec::len), Some(2));
    assert!(json["entries"][0]["event"].is_string(), "{json}");
    assert_snapshot!(
        "logs_past_the_end",
        setup
            .moogo(&["logs", "Backyard", "--page", "9", "--page-size", "2"])
            .ok()
    );
    let in_range = setup.moogo(&[
        "logs",
        "Backyard",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
        "--json",
    ]);
    assert_eq!(
        in_range.json()["entries"],
        json_entries(&setup, &["logs", "Backyard", "--json"])
    );
    let none = setup.moogo(&[
        "logs",
        "Backyard",
        "--from",
        "2001-01-01",
        "--to",
        "2001-01-02",
    ]);
    assert_eq!(none.ok(), "No log entries for Backyard.\n");
}

fn json_entries(setup: &Setup, args: &[&str]) -> serde_json::Value {
    setup.moogo(args).json()["entries"].clone()
}

#[test]
fn config_get_and_set() {
    let setup = Setup::new();
    let mut settings = setup.snapshot_settings();
    settings.add_filter(r"createTime:( +)\d+", "createTime:$1[EPOCH]");
    let _settings = settings.bind_to_scope();
    assert_snapshot!(
        "config_get",
        setup.moogo(&["config", "get", "Backyard"]).ok()
    );
    let set = setup.moogo(&[
        "config",
        "set",
        "Backyard",
        "stop-temperature=35.5",
        "stopRainy=off",
        "timeZone=Europe/Paris",
        "sprayingSeconds=90",
    ]);
    assert_eq!(
        set.ok(),
        "Updated stopTemperature, stopRainy, timeZone, sprayingSeconds of Backyard.\n"
    );
    let config = setup.moogo(&["config", "get", "Backyard", "--json"]).json();
    let config = &config["config"];
    assert_eq!(config["stopTemperature"], 35.5);
    assert_eq!(config["stopRainy"], false);
    assert_eq!(config["timeZone"], "Europe/Paris");
    assert_eq!(config["sprayingSeconds"], 90);
}

#[test]
fn firmware_check_and_update() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!(
        "firmware_check",
        setup.moogo(&["firmware", "check", "Backyard"]).ok()
    );
    let check = setup
        .moogo(&["firmware", "check", "Backyard", "--json"])
        .json();
    assert_eq!(check["update_available"], true);
    assert_eq!(check["current"], "1.4.2");
    let update = setup
        .moogo(&["firmware", "update", "Backyard", "--json"])
        .json();
    assert_eq!(update["change"], "firmware_update_started");
    assert_snapshot!(
        "firmware_update",
        setup.moogo(&["firmware", "update", "Patio"]).ok()
    );
}

#[test]
fn public_catalogue() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!("liquids", setup.moogo(&["liquids"]).ok());
    assert_snapshot!("recommended", setup.moogo(&["recommended"]).ok());
    let liquids = setup.moogo(&["liquids", "--json"]).json();
    assert!(
        liquids["liquids"]
            .as_array()
            .is_some_and(|list| !list.is_empty())
    );
    let recommended = setup.moogo(&["recommended", "--json"]).json();
    assert!(
        recommended["schedules"][0]["days"].is_array(),
        "{recommended}"
    );
    // Public data needs no login.
    assert_eq!(setup.stats().logins, 0);
}

#[test]
fn ctrl_c_during_a_timed_spray_stops_the_device() {
    use std::io::{BufRead, BufReader};

    let setup = Setup::new();
    let credentials = [
        ("MOOGO_EMAIL", moogo_sim::DEMO_EMAIL),
        ("MOOGO_PASSWORD", moogo_sim::DEMO_PASSWORD),
    ];
    let mut child = setup
        .command(
            &["-v", "spray", "start", "Patio", "--for", "1h"],
            &credentials,
        )
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("moogo starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
    // The client logs the confirmation of the start; from then on the spray runs.
    let confirmed = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("device confirmed"));
    assert!(confirmed, "the start was confirmed");
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("moogo exits");
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert_eq!(
        rest.last().map(String::as_str),
        Some("moogo: interrupted; the device was told to stop")
    );
    let routes = setup.stats().by_route;
    let stops: u64 = routes
        .iter()
        .filter(|(route, _)| route.ends_with("/stop"))
        .map(|(_, n)| n)
        .sum();
    // The CLI's own stop, and possibly the client's best-effort stop of the dropped spray.
    assert!((1..=2).contains(&stops), "{routes:?}");
    assert_eq!(
        setup.moogo(&["status", "Patio", "--json"]).json()["spraying"],
        false
    );
}
