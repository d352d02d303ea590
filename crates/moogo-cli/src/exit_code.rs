//! The exit codes of `moogo`, one named constant each.
//!
//! Scripts branch on these numbers, so a code never changes meaning.
//! They follow the BSD `sysexits.h` convention where one fits.

/// The command did what was asked.
pub const SUCCESS: u8 = 0;

/// Any failure that no other code describes (an I/O error, an unexpected answer).
pub const FAILURE: u8 = 1;

/// The command line itself was wrong: an unknown flag, a missing argument.
///
/// This is the code clap uses for its own errors.
pub const USAGE: u8 = 2;

/// A value on the command line was malformed or out of range (`EX_DATAERR`).
///
/// No request was sent to the service.
pub const INVALID_INPUT: u8 = 65;

/// The service, or the device, is unavailable (`EX_UNAVAILABLE`): the device is
/// offline, the service answered with a server error, or a device circuit is open.
pub const UNAVAILABLE: u8 = 69;

/// A temporary failure (`EX_TEMPFAIL`): the account is rate limited (locked out),
/// a request timed out, or the device did not confirm in time. Try again later.
pub const TEMPORARY: u8 = 75;

/// Authentication failed or is missing (`EX_NOPERM`): wrong credentials, no
/// session, or the service rejected the session.
pub const AUTH: u8 = 77;

/// The command was interrupted with Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;
