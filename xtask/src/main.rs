//! `cargo xtask TASK`: repository automation. See the library docs for the tasks.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask check-workflows\n\n\
    check-workflows  check .github/workflows/*.yml against the structure the spec requires";

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("check-workflows") => check_workflows(),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn check_workflows() -> ExitCode {
    match xtask::check_workflows(&xtask::project_root()) {
        Ok(violations) if violations.is_empty() => {
            println!("check-workflows: the workflows have the required structure");
            ExitCode::SUCCESS
        }
        Ok(violations) => {
            violations
                .iter()
                .for_each(|violation| eprintln!("{violation}"));
            eprintln!("check-workflows: {} violation(s)", violations.len());
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("check-workflows: {error}");
            ExitCode::from(2)
        }
    }
}
