//! Runs `moogo --sim --json devices` through the library instead of the binary:
//! the built-in simulator starts, the demo account logs in, and the device
//! list is printed as one JSON document.
//!
//! ```sh
//! cargo run -p moogo-cli --example sim_devices
//! ```

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = moogo_cli::Cli::parse_from(["moogo", "--sim", "--json", "devices"]);
    match moogo_cli::run(cli, &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error.report());
            ExitCode::from(error.exit_code())
        }
    }
}
