//! Recorded results: one JSON file per check under `.cigate/results/`, for `verdict` and later
//! CI jobs.
//!
//! Format (a public contract): `{"name", "required", "outcome", "attempts", "duration_secs",
//! "evidence", "log", "flaky"}`; `outcome` is one of `passed`, `failed`, `rate_limited`,
//! `transient`, `skipped`, `cancelled`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::classify::Outcome;
use crate::error::{Error, Result};
use crate::event::CheckResult;

#[derive(Serialize, Deserialize)]
struct Record {
    name: String,
    required: bool,
    outcome: String,
    attempts: u32,
    duration_secs: f64,
    evidence: Vec<String>,
    log: Option<PathBuf>,
    flaky: bool,
}

/// Writes `result` to `dir/NAME.json`; returns the file.
///
/// # Errors
///
/// [`Error::Write`] when the directory or file cannot be written.
pub fn save(dir: &Path, result: &CheckResult) -> Result<PathBuf> {
    let path = dir.join(format!("{}.json", result.name));
    let write_error = |source| Error::Write {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_owned(),
        source,
    })?;
    let record = Record {
        name: result.name.clone(),
        required: result.required,
        outcome: result.outcome.as_str().to_owned(),
        attempts: result.attempts,
        duration_secs: (result.duration.as_secs_f64() * 1000.0).round() / 1000.0,
        evidence: result.evidence.clone(),
        log: result.log.clone(),
        flaky: result.flaky,
    };
    let mut text = serde_json::to_string_pretty(&record).map_err(|source| Error::Json {
        path: path.clone(),
        source,
    })?;
    text.push('\n');
    std::fs::write(&path, text).map_err(write_error)?;
    Ok(path)
}

/// Reads every `*.json` result in `dir` (none when it does not exist), sorted by name.
///
/// # Errors
///
/// [`Error::Read`] or [`Error::Json`] naming the file that is unreadable.
pub fn load_all(dir: &Path) -> Result<Vec<CheckResult>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut results = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Read {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.extension().is_none_or(|extension| extension != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let record: Record = serde_json::from_str(&text).map_err(|source| Error::Json {
            path: path.clone(),
            source,
        })?;
        let outcome = Outcome::parse(&record.outcome).ok_or_else(|| Error::ConfigValue {
            path: path.clone(),
            key: "outcome".to_owned(),
            value: record.outcome.clone(),
            expected: "one of passed, failed, rate_limited, transient, skipped, cancelled"
                .to_owned(),
        })?;
        results.push(CheckResult {
            name: record.name,
            required: record.required,
            outcome,
            attempts: record.attempts,
            duration: Duration::try_from_secs_f64(record.duration_secs).unwrap_or_default(),
            evidence: record.evidence,
            log: record.log,
            flaky: record.flaky,
        });
    }
    results.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(results)
}

/// Removes every recorded result in `dir`, so that a new pipeline starts clean.
///
/// # Errors
///
/// [`Error::Write`] when the directory exists but cannot be removed.
pub fn clear(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Write {
            path: dir.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let results_dir = dir.path().join("results");
        let result = CheckResult {
            name: "unit".to_owned(),
            required: true,
            outcome: Outcome::Passed,
            attempts: 2,
            duration: Duration::from_millis(1500),
            evidence: vec!["exit status 0".to_owned()],
            log: Some(PathBuf::from(".cigate/logs/unit.log")),
            flaky: true,
        };
        let path = save(&results_dir, &result).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(json["outcome"], "passed");
        assert_eq!(json["duration_secs"], 1.5);
        assert_eq!(load_all(&results_dir).unwrap(), [result]);
        clear(&results_dir).unwrap();
        assert!(load_all(&results_dir).unwrap().is_empty());
    }
}
