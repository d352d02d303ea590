//! `moogo schedules ...`.

use insta::assert_snapshot;

use crate::support::Setup;

#[test]
fn list_add_update_and_remove() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!(
        "schedules_list",
        setup.moogo(&["schedules", "list", "Backyard"]).ok()
    );

    let added = setup.moogo(&[
        "schedules",
        "add",
        "Backyard",
        "--at",
        "6:45",
        "--duration",
        "1m30s",
        "--days",
        "mon,wed,FRI",
        "--json",
    ]);
    let added = added.json();
    assert_eq!(added["change"], "schedule_added");
    let id = added["schedule_id"]
        .as_str()
        .expect("the new schedule's id")
        .to_owned();
    let schedule = find(&setup, &id);
    assert_eq!(schedule["time"], "06:45");
    assert_eq!(schedule["seconds"], 90);
    assert_eq!(schedule["days"], serde_json::json!([1, 3, 5]));
    assert_eq!(schedule["enabled"], true);

    let updated = setup.moogo(&[
        "schedules",
        "update",
        "Backyard",
        &id,
        "--at",
        "07:15",
        "--days",
        "weekends",
        "--disable",
    ]);
    assert_eq!(
        updated.ok(),
        format!("Updated schedule {id} of Backyard: time 07:15, days weekends, disabled.\n")
    );
    let schedule = find(&setup, &id);
    assert_eq!(
        (schedule["time"].as_str(), schedule["enabled"].as_bool()),
        (Some("07:15"), Some(false))
    );
    assert_eq!(schedule["days"], serde_json::json!([0, 6]));

    assert_eq!(
        setup.moogo(&["schedules", "enable", "Backyard", &id]).ok(),
        format!("Enabled schedule {id} of Backyard.\n")
    );
    assert_eq!(find(&setup, &id)["enabled"], true);
    assert_eq!(
        setup.moogo(&["schedules", "disable", "Backyard", &id]).ok(),
        format!("Disabled schedule {id} of Backyard.\n")
    );
    assert_eq!(find(&setup, &id)["enabled"], false);
    assert_eq!(
        setup.moogo(&["schedules", "skip", "Backyard", &id]).ok(),
        format!("Schedule {id} of Backyard will skip its next run.\n")
    );
    let removed = setup
        .moogo(&["schedules", "rm", "Backyard", &id, "--json"])
        .json();
    assert_eq!(removed["change"], "schedule_removed");
    let remaining = setup
        .moogo(&["schedules", "list", "Backyard", "--json"])
        .json();
    assert!(!remaining.to_string().contains(&id), "{remaining}");
}

#[test]
fn add_a_disabled_schedule_with_default_days() {
    let setup = Setup::new();
    let added = setup.moogo(&[
        "schedules",
        "add",
        "Patio",
        "--at",
        "21:00",
        "--duration",
        "45",
        "--disabled",
    ]);
    let sentence = added.ok();
    assert!(sentence.starts_with("Added a schedule (id "), "{sentence}");
    assert!(
        sentence.ends_with(") to Patio: 21:00 for 45s, daily, disabled.\n"),
        "{sentence}"
    );
}

#[test]
fn enable_all_and_disable_all() {
    let setup = Setup::new();
    let enabled = |setup: &Setup| -> Vec<bool> {
        let list = setup
            .moogo(&["schedules", "list", "Backyard", "--json"])
            .json();
        list["schedules"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|schedule| schedule["enabled"] == true)
            .collect()
    };
    assert_eq!(
        setup.moogo(&["schedules", "enable-all", "Backyard"]).ok(),
        "Enabled every schedule of Backyard.\n"
    );
    assert!(enabled(&setup).iter().all(|flag| *flag));
    let json = setup
        .moogo(&["schedules", "disable-all", "Backyard", "--json"])
        .json();
    assert_eq!(json["change"], "schedules_disabled");
    assert!(enabled(&setup).iter().all(|flag| !*flag));
}

#[test]
fn unknown_schedule_is_invalid_input() {
    let setup = Setup::new();
    let line = setup
        .moogo(&["schedules", "enable", "Backyard", "s-nope"])
        .fails(65);
    assert!(
        line.starts_with("moogo: could not enable schedule s-nope of Backyard: "),
        "{line}"
    );
}

fn find(setup: &Setup, id: &str) -> serde_json::Value {
    let list = setup
        .moogo(&["schedules", "list", "Backyard", "--json"])
        .json();
    list["schedules"]
        .as_array()
        .and_then(|schedules| schedules.iter().find(|schedule| schedule["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("schedule {id} in {list}"))
}
