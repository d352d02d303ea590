//! The crate's error type: what can go wrong when configuring or starting a simulator.
//!
//! Errors of the simulated service itself (lockouts, offline devices, bad request bodies)
//! are not Rust errors: they are envelopes sent to the client, see the `envelope` module.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a simulator could not be configured or started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error(
        "cannot listen on {addr}: is another process using the port? (use port 0 for a free one)"
    )]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A listen address could not be parsed.
    #[error(
        "invalid listen address `{value}`: expected HOST:PORT such as 127.0.0.1:8787, or :PORT"
    )]
    ListenAddr {
        /// The text that was given.
        value: String,
    },
    /// A world file could not be read.
    #[error("cannot read world file `{path}`")]
    ReadWorld {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A world description is not valid TOML or JSON, or does not have the expected keys.
    #[error("invalid world{}: {message}", origin(path.as_deref()))]
    ParseWorld {
        /// The file, when the world came from one.
        path: Option<PathBuf>,
        /// The parser's description of the problem, with the key and position.
        message: String,
    },
    /// A world description parses but is inconsistent, for example two devices share an id.
    #[error("invalid world{}: {reason}", origin(path.as_deref()))]
    InvalidWorld {
        /// The file, when the world came from one.
        path: Option<PathBuf>,
        /// What is wrong and where.
        reason: String,
    },
    /// A fault specification could not be parsed.
    #[error(
        "invalid fault `{spec}`: {reason} (expected e.g. `route=GET v1/devices/{{deviceId}},kind=status:503,times=2`)"
    )]
    InvalidFault {
        /// The specification as given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The background thread of [`spawn_on_thread`](crate::spawn_on_thread) could not start.
    #[error("cannot start the simulator's thread")]
    Thread {
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A setting is out of range.
    #[error("invalid setting `{name}`: {reason}")]
    InvalidSetting {
        /// The setting's name, as the command line spells it.
        name: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
}

fn origin(path: Option<&std::path::Path>) -> String {
    path.map(|path| format!(" in `{}`", path.display()))
        .unwrap_or_default()
}
