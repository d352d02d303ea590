//! A corpus of real-looking outputs, classified with this repository's own cigate.toml.
//!
//! Each file in `corpus/` is named `EXPECTED__case.txt` and holds the output of a failed run
//! (exit status 1). At least ten of them contain `10000` without being a rate limit.

use std::path::Path;

use cigate::classify::{Exit, Input, classify};
use cigate::{Config, Outcome};

fn rules() -> cigate::classify::Rules {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cigate.toml");
    Config::load(&path).unwrap().rules
}

#[test]
fn corpus_outcomes() {
    let rules = rules();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/corpus");
    let mut cases = 0;
    let mut tens_of_thousands = 0;
    let mut mistakes = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let expected = Outcome::parse(name.split("__").next().unwrap())
            .unwrap_or_else(|| panic!("{name}: the file name must start with an outcome"));
        let output = std::fs::read_to_string(&path).unwrap();
        let classification = classify(
            &rules,
            &Input {
                exit: Exit::Code(1),
                output: &output,
                junit: None,
                lockout_record: None,
                now: jiff::Timestamp::UNIX_EPOCH,
            },
        );
        cases += 1;
        if expected != Outcome::RateLimited && output.contains("10000") {
            tens_of_thousands += 1;
        }
        if classification.outcome != expected {
            mistakes.push(format!(
                "{name}: got {} from {:?}",
                classification.outcome, classification.evidence
            ));
        }
        // Every decision shows the lines that made it.
        assert!(!classification.evidence.is_empty(), "{name}");
    }
    assert!(
        mistakes.is_empty(),
        "misclassified:\n{}",
        mistakes.join("\n")
    );
    assert!(cases >= 25, "{cases}");
    assert!(
        tens_of_thousands >= 10,
        "only {tens_of_thousands} non-rate-limit outputs contain 10000"
    );
}

#[test]
fn the_same_outputs_pass_when_the_run_exited_zero() {
    let rules = rules();
    let output = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/corpus/rate_limited__moogo_cli.txt"),
    )
    .unwrap();
    let input = Input {
        exit: Exit::Code(0),
        output: &output,
        junit: None,
        lockout_record: None,
        now: jiff::Timestamp::UNIX_EPOCH,
    };
    assert_eq!(classify(&rules, &input).outcome, Outcome::Passed);
}
