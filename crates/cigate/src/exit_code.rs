//! The exit codes of the `cigate` binary.
//!
//! Invariant: a code never changes meaning. Scripts and CI steps may branch on them.

/// Everything went as it should: the verdict is success, the check passed (or was skipped),
/// or the command did what was asked.
pub const SUCCESS: i32 = 0;

/// A check did not succeed: `verdict` found a required check that did not succeed, or
/// `run` ended with a failed, transient or cancelled outcome.
pub const FAILURE: i32 = 1;

/// cigate itself could not do its job: invalid command line, unreadable or invalid
/// configuration, a file that could not be written, a GitHub call that failed.
pub const ERROR: i32 = 2;

/// `cooldown check --strict`: the rate-limit cooldown is active (or its marker is unreadable and the
/// check fails closed), so the gated checks must not run now.
pub const COOLDOWN_ACTIVE: i32 = 3;

/// `run`: the check was rate limited. The cooldown was marked and the issue opened or updated.
pub const RATE_LIMITED: i32 = 4;

/// cigate was interrupted (Ctrl-C or SIGTERM) and killed the running check's processes
/// (128 + SIGINT, as shells report it).
pub const INTERRUPTED: i32 = 130;
