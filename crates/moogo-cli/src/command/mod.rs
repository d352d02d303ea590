//! Running the commands: check the input, call the client, print one document.
//!
//! Every value typed on the command line is parsed by [`crate::input`] before
//! the first request, so that invalid input sends nothing.

mod account;
mod catalog;
mod device;
mod schedule;

use crate::cli::Command;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::Output;
use crate::selector::DeviceSelector;

/// Runs `command` and writes its result to `output`.
///
/// # Errors
///
/// Whatever the command ran into; see [`Error`].
pub async fn run(command: Command, context: &Context, output: &mut Output<'_>) -> Result<()> {
    if context.is_simulated() && !matches!(command, Command::Login(_)) {
        // The demo is logged in from the start, so that `session show` has something to show.
        let client = context.client()?;
        client
            .login()
            .await
            .map_err(Error::service("log in to the simulator's demo account"))?;
    }
    match command {
        Command::Login(args) => account::login(args, context, output).await,
        Command::Logout => account::logout(context, output),
        Command::Session(command) => account::session(command, context, output),
        Command::Lockout(command) => account::lockout(command, context, output),
        Command::Devices => device::list(context, output).await,
        Command::Status(args) => device::status(&args.device, context, output).await,
        Command::Spray(command) => device::spray(command, context, output).await,
        Command::Logs(args) => device::logs(args, context, output).await,
        Command::Config(command) => device::config(command, context, output).await,
        Command::Firmware(command) => device::firmware(command, context, output).await,
        Command::Schedules(command) => schedule::run(command, context, output).await,
        Command::Liquids => catalog::liquids(context, output).await,
        Command::Recommended => catalog::recommended(context, output).await,
        // Printed by `crate::run` before any context (or simulator) exists.
        Command::Completions(_) => Ok(()),
    }
}

/// The device a command is about: looked up by id or name among the account's devices.
async fn find_device(client: &moogo::Client, query: &str) -> Result<moogo::DeviceSummary> {
    let mut devices = client
        .devices()
        .await
        .map_err(Error::service("list the devices"))?;
    let index = DeviceSelector::new(query).pick(devices.iter().map(|device| {
        (
            device.device_id.as_str(),
            device.device_name.as_deref().unwrap_or_default(),
        )
    }))?;
    Ok(devices.swap_remove(index))
}

/// The name to show for a device: its name, or its id when it has none.
fn display_name(device: &moogo::DeviceSummary) -> String {
    device
        .device_name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| device.device_id.clone())
}
