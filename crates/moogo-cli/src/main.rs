//! The `moogo` command: parse the command line, run it, turn the result into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = moogo_cli::Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match moogo_cli::run(cli, &mut stdout) {
        Ok(()) => ExitCode::from(moogo_cli::exit_code::SUCCESS),
        Err(error) if error.is_broken_pipe() => ExitCode::from(moogo_cli::exit_code::SUCCESS),
        Err(error) => {
            eprintln!("{}", error.report());
            ExitCode::from(error.exit_code())
        }
    }
}
