//! `login`, `logout`, `session ...`, `lockout ...`, `completions`, `--version`, `--sim`.

use std::os::unix::fs::PermissionsExt;

use insta::assert_snapshot;
use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD};

use crate::support::Setup;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn login_keeps_a_private_session_and_reuses_it() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    let login = setup.moogo_with(
        &["login", "--email", DEMO_EMAIL],
        &[("MOOGO_PASSWORD", DEMO_PASSWORD)],
    );
    assert_snapshot!("login", login.ok());
    assert_eq!(mode(&setup.session_file()), 0o600);
    assert!(setup.token().is_some());

    // A second login with a valid session sends nothing.
    let requests = setup.requests();
    let again = setup.moogo_with(
        &["login", "--json"],
        &[("MOOGO_EMAIL", DEMO_EMAIL), ("MOOGO_PASSWORD", "unused")],
    );
    let json = again.json();
    assert_eq!(
        (json["email"].as_str(), json["token"].as_str()),
        (Some(DEMO_EMAIL), Some("[redacted]"))
    );
    assert_eq!(setup.requests(), requests);

    // Commands use the stored session: no credentials needed, no new login.
    setup.moogo_with(&["devices"], &[]).ok();
    assert_eq!(setup.stats().logins, 1);
}

#[test]
fn session_show_export_import_and_logout() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    setup.login();
    assert_snapshot!("session_show", setup.moogo(&["session", "show"]).ok());
    let shown = setup.moogo(&["session", "show", "--json"]).json();
    assert_eq!(shown["token"], "[redacted]");
    assert_eq!(shown["email"], DEMO_EMAIL);

    let exported = setup.path("exported/session.json");
    let exported_arg = exported.to_str().expect("a UTF-8 path");
    let export = setup.moogo(&["session", "export", exported_arg]);
    assert!(
        export
            .ok()
            .starts_with("Exported the session of demo@example.com to "),
        "{export:?}"
    );
    assert_eq!(mode(&exported), 0o600);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).expect("exported")).expect("JSON");
    assert_eq!(file["token"].as_str(), setup.token().as_deref());
    assert_eq!(file["user_id"], shown["user_id"]);
    assert!(file["expires_at"].is_string());

    assert_snapshot!("logout", setup.moogo(&["logout"]).ok());
    assert!(!setup.session_file().exists());
    assert_snapshot!(
        "session_show_logged_out",
        setup.moogo(&["session", "show"]).fails(77)
    );
    assert_eq!(
        setup.moogo(&["logout"]).ok(),
        "Not logged in; nothing to remove.\n"
    );

    let import = setup.moogo(&["session", "import", exported_arg]);
    assert!(
        import
            .ok()
            .starts_with("Imported the session of demo@example.com.\n"),
        "{import:?}"
    );
    assert_eq!(mode(&setup.session_file()), 0o600);
    setup.moogo_with(&["devices"], &[]).ok();
    assert_eq!(setup.stats().logins, 1, "the imported session was used");
}

#[test]
fn importing_something_else_is_refused_without_quoting_it() {
    let setup = Setup::new();
    let bogus = setup.path("bogus.json");
    std::fs::write(
        &bogus,
        r#"{"token": 12345678901234, "secret": "do-not-print-me"}"#,
    )
    .expect("written");
    let line = setup
        .moogo(&["session", "import", bogus.to_str().expect("UTF-8")])
        .fails(65);
    assert!(line.contains("is not a moogo session file"), "{line}");
    assert!(
        !line.contains("12345678901234") && !line.contains("do-not-print-me"),
        "{line}"
    );
}

#[test]
fn lockout_status_without_a_record() {
    let setup = Setup::new();
    assert_eq!(
        setup.moogo(&["lockout", "status"]).ok(),
        "Not locked out.\n"
    );
    assert_eq!(
        setup.moogo(&["lockout", "status", "--json"]).json()["locked"],
        false
    );
    assert_eq!(
        setup.moogo(&["lockout", "clear"]).ok(),
        "No lockout recorded; nothing to clear.\n"
    );
    assert_eq!(setup.requests(), 0);
}

#[test]
fn completions_and_version() {
    let setup = Setup::new();
    let bash = setup.moogo(&["completions", "bash"]);
    assert!(bash.ok().contains("_moogo()"), "{bash:?}");
    let zsh = setup.moogo(&["completions", "zsh"]);
    assert!(zsh.ok().starts_with("#compdef moogo"), "{zsh:?}");
    let version = setup.moogo(&["--version"]);
    assert_eq!(
        version.ok(),
        format!("moogo {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(setup.requests(), 0);
}

#[test]
fn sim_demo_needs_no_account() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    // No base URL, session file or credentials: --sim brings its own.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_moogo"))
        .env_clear()
        .args(["--sim", "devices"])
        .output()
        .expect("moogo runs");
    assert!(run.status.success(), "{run:?}");
    assert_snapshot!("sim_devices", String::from_utf8_lossy(&run.stdout));
    let session = std::process::Command::new(env!("CARGO_BIN_EXE_moogo"))
        .env_clear()
        .args(["--sim", "--json", "session", "show"])
        .output()
        .expect("moogo runs");
    let json: serde_json::Value = serde_json::from_slice(&session.stdout).expect("JSON");
    assert_eq!(
        (json["email"].as_str(), json["token"].as_str()),
        (Some(DEMO_EMAIL), Some("[redacted]"))
    );
}

#[test]
fn parallel_commands_share_one_login() {
    let setup = Setup::new();
    let credentials = [
        ("MOOGO_EMAIL", DEMO_EMAIL),
        ("MOOGO_PASSWORD", DEMO_PASSWORD),
    ];
    let children: Vec<_> = (0..8)
        .map(|_| {
            setup
                .command(&["--json", "devices"], &credentials)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("moogo starts")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("moogo finishes");
        assert!(output.status.success(), "{output:?}");
    }
    assert_eq!(setup.stats().logins, 1, "eight processes, one login");
    assert_eq!(mode(&setup.session_file()), 0o600);
}
