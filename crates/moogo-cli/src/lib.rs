//! The `moogo` command: script Moogo misting devices from a shell, safely.
//!
//! This library holds everything the `moogo` binary does, so that it can be
//! tested and reused: the command line ([`Cli`]), the input parsers, the
//! output documents (human tables or one JSON document), and the errors with
//! their exit codes ([`exit_code`]). The binary only parses the command line,
//! calls [`run`] and turns the result into an exit code.
//!
//! The work is done by the [`moogo`] client: one login per machine through a
//! shared session file, and no request at all while the account is locked out.
//!
//! # Examples
//!
//! ```no_run
//! use clap::Parser;
//!
//! let cli = moogo_cli::Cli::parse_from(["moogo", "--sim", "--json", "devices"]);
//! let mut stdout = std::io::stdout();
//! if let Err(error) = moogo_cli::run(cli, &mut stdout) {
//!     eprintln!("{}", error.report());
//!     std::process::exit(i32::from(error.exit_code()));
//! }
//! ```

#![warn(missing_docs)]

pub mod cli;
mod command;
mod context;
mod error;
pub mod exit_code;
mod input;
mod progress;
mod render;
mod selector;
mod view;

use std::io::{IsTerminal, Write};

use clap::CommandFactory;

pub use cli::Cli;
pub use error::{Error, InvalidInput, Result};

/// Runs the command described by `cli`, writing its output to `stdout`.
///
/// Logs and the spinner go to stderr; errors are returned, for the caller to
/// print with [`Error::report`] and exit with [`Error::exit_code`].
///
/// # Errors
///
/// Whatever the command ran into; see [`enum@Error`].
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<()> {
    init_logging(&cli.global);
    if let cli::Command::Completions(args) = &cli.command {
        // Generated into memory first: the generators panic when a write fails.
        let mut script = Vec::new();
        clap_complete::generate(args.shell, &mut Cli::command(), "moogo", &mut script);
        return stdout
            .write_all(&script)
            .and_then(|()| stdout.flush())
            .map_err(Error::Output);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(async move {
        let context = context::Context::new(cli.global).await?;
        let mut output = render::Output::new(stdout, context.options.json);
        command::run(cli.command, &context, &mut output).await
    })
}

/// Sends `tracing` events to stderr: none by default, more with each `-v`
/// (`RUST_LOG` overrides).
fn init_logging(options: &cli::GlobalOptions) {
    let level = match (options.quiet, options.verbose) {
        (true, _) | (false, 0) => "off",
        (false, 1) => "moogo=info,moogo_cli=info,moogo_sim=warn",
        (false, 2) => "moogo=debug,moogo_cli=debug,moogo_sim=info",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
