//! The wording of every configuration error a person may read, pinned by a snapshot.

use moogo_sim::{FaultSpec, World};

#[test]
fn configuration_errors_say_what_is_wrong_and_what_is_expected() {
    let mut report = String::new();
    for spec in [
        "kind=explode",
        "route=GET v1/devices",
        "kind=status:42",
        "kind=latency:soon",
        "kind=reset,times=many",
        "kind=reset,route=FETCH v1/devices",
        "kind=reset,colour=red",
        "kind",
    ] {
        let error = spec.parse::<FaultSpec>().unwrap_err();
        report.push_str(&format!("--fault {spec:?}\n  {error}\n"));
    }
    for (name, text) in [
        (
            "duplicate device",
            "[[accounts]]\nemail='a@x'\npassword='p'\n[[accounts.devices]]\nid='d'\nname='A'\n[[accounts.devices]]\nid='d'\nname='B'\n",
        ),
        (
            "bad schedule",
            "[[accounts]]\nemail='a@x'\npassword='p'\n[[accounts.devices]]\nid='d'\nname='A'\n[[accounts.devices.schedules]]\nhour=25\nminute=0\nduration=60\n",
        ),
        (
            "bad duration",
            "[[accounts]]\nemail='a@x'\npassword='p'\n[[accounts.devices]]\nid='d'\nname='A'\n[[accounts.devices.logs]]\nago='yesterday'\nevent='x'\n",
        ),
    ] {
        let error = World::from_toml_str(text).unwrap_err();
        report.push_str(&format!("world with {name}\n  {error}\n"));
    }
    for value in ["3000-", "5-1"] {
        let error = moogo_sim::parse_transition_ms(value).unwrap_err();
        report.push_str(&format!("--transition-ms {value}\n  {error}\n"));
    }
    let error = moogo_sim::parse_listen_addr("localhost").unwrap_err();
    report.push_str(&format!("--listen localhost\n  {error}\n"));
    insta::assert_snapshot!(report);
}
