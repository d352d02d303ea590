//! The `moogo-sim` program.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_first_line_is_the_listening_url() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_moogo-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--transition-ms",
            "0",
            "--fault",
            "kind=latency:1ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the program starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let port = first
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    assert!(port.parse::<u16>().is_ok_and(|port| port > 0), "{first}");
    assert_eq!(second, "demo account: demo@example.com / demo-password");
}

#[test]
fn bad_flags_are_reported_with_the_expected_form() {
    let output = Command::new(env!("CARGO_BIN_EXE_moogo-sim"))
        .args(["--listen", ":0", "--fault", "kind=explode"])
        .output()
        .expect("the program runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid fault `kind=explode`: unknown kind `explode`"),
        "{stderr}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_moogo-sim"))
        .args(["--listen", ":0", "--world", "/nonexistent/world.toml"])
        .output()
        .expect("the program runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .starts_with("error: cannot read world file `/nonexistent/world.toml`\n  caused by: "),
        "{stderr}"
    );
}

#[test]
fn the_help_lists_every_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_moogo-sim"))
        .arg("--help")
        .env_remove("COLUMNS")
        .output()
        .expect("the program runs");
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}
