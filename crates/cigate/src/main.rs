//! The `cigate` command: parse, call the library, render an error once, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cigate::cli::Cli::parse();
    let code = match cli.run(cigate::Environment::from_process()) {
        Ok(code) => code,
        Err(error) => {
            eprint!("{}", error.render());
            error.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX))
}
