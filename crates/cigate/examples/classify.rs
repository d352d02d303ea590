//! Classifies a few outputs the way `cigate run` does after a failed attempt.
//!
//! Run with `cargo run -p cigate --example classify`.

use cigate::classify::{Exit, Input, Rules, classify};

fn main() {
    let rules = Rules::defaults();
    let outputs = [
        (
            Exit::Code(101),
            "test login ... FAILED\nError: rate limited until 2026-05-02T02:00:00Z\n",
        ),
        (
            Exit::Code(101),
            "test spray ... FAILED\nconfirmation took 10000ms\n",
        ),
        (Exit::Code(1), "error: connection reset by peer\n"),
        (
            Exit::Code(0),
            "test rate_limit_path ... ok\nrate limited (expected)\n",
        ),
    ];
    for (exit, output) in outputs {
        let classification = classify(
            &rules,
            &Input {
                exit,
                output,
                junit: None,
                lockout_record: None,
                now: jiff::Timestamp::now(),
            },
        );
        println!(
            "{:<13} {:?}",
            classification.outcome.as_str(),
            classification.evidence
        );
    }
}
