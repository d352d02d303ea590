//! The command line: clap structures for every command and the global options.
//!
//! These types only describe the shape of the command line. Values such as
//! durations, times and days are kept as typed text and checked before
//! anything is sent, so that a malformed value is invalid input (exit code
//! 65, [`crate::exit_code::INVALID_INPUT`]), not a usage error.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

/// Script your Moogo misting devices from a shell, safely.
///
/// `moogo` logs in once per machine and keeps the session in a file shared by
/// every `moogo` process. When the service locks the account out, it sends no
/// request until the lockout ends.
#[derive(Debug, Parser)]
#[command(
    name = "moogo",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Options accepted by every command.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0   success
  1   other failure
  2   usage error (unknown flag, missing argument)
  65  invalid input (bad duration, time, days, date or setting); nothing was sent
  69  service or device unavailable (device offline, server error)
  75  temporary failure: rate limited (locked out) or timed out; try again later
  77  authentication failed or missing; run `moogo login`";

/// Options accepted before or after any command.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// Base URL of the Moogo service.
    #[arg(long, global = true, env = "MOOGO_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// Session file, shared by every `moogo` process; its directory also holds the lockout record.
    ///
    /// Default: MOOGO_SESSION_FILE, else `moogo/session.json` in the user's
    /// configuration directory (`~/.config/moogo/session.json` on Linux).
    /// With `--sim`, only this flag counts: MOOGO_SESSION_FILE is ignored, so
    /// that the demo never touches a real session.
    #[arg(long, global = true, value_name = "FILE")]
    pub session: Option<PathBuf>,

    /// Print one JSON document on stdout instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,

    /// Log to stderr: `-v` logins and decisions, `-vv` every request, `-vvv` everything.
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Print nothing on stderr but errors; no spinner.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Start the built-in simulator, point at it and log in to its demo account.
    ///
    /// A demo that needs no account and no device. `--base-url` is ignored;
    /// the session lives in a temporary directory unless `--session` is given.
    #[arg(long, global = true)]
    pub sim: bool,
}

/// Every `moogo` command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and keep the session for the next commands.
    ///
    /// The password comes from MOOGO_PASSWORD or a hidden prompt, never from a flag.
    Login(LoginArgs),
    /// Forget the session (delete the session file).
    Logout,
    /// Show, export or import the session.
    #[command(subcommand)]
    Session(SessionCommand),
    /// List the devices: name, id, online, spraying, firmware.
    Devices,
    /// Show every status field of a device.
    Status(DeviceArg),
    /// Start or stop spraying.
    #[command(subcommand)]
    Spray(SprayCommand),
    /// List and change a device's schedules.
    #[command(subcommand)]
    Schedules(SchedulesCommand),
    /// Show a device's log entries, one page at a time.
    Logs(LogsArgs),
    /// Read or change a device's configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check for or install a firmware update.
    #[command(subcommand)]
    Firmware(FirmwareCommand),
    /// List the mosquito-repellent liquids the service knows.
    Liquids,
    /// List the schedules the service recommends.
    Recommended,
    /// Show or clear the local record of an account lockout.
    #[command(subcommand)]
    Lockout(LockoutCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// Arguments of `moogo login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Account email; default MOOGO_EMAIL, else a prompt (with `--sim`: the demo account).
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
}

/// `moogo session ...`.
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Who is logged in and until when (the token is never shown).
    Show,
    /// Write the session to FILE (mode 0600), to carry it to another machine or a CI secret.
    Export(FileArg),
    /// Read a session from FILE and keep it as the current session.
    Import(FileArg),
}

/// A file argument.
#[derive(Debug, Args)]
pub struct FileArg {
    /// The file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// A device argument.
#[derive(Debug, Args)]
pub struct DeviceArg {
    /// Device id, or device name (case-insensitive).
    #[arg(value_name = "DEVICE")]
    pub device: String,
}

/// `moogo spray ...`.
#[derive(Debug, Subcommand)]
pub enum SprayCommand {
    /// Start spraying and wait for the device to confirm.
    Start(SprayStartArgs),
    /// Stop spraying and wait for the device to confirm.
    Stop(SprayStopArgs),
}

/// Arguments of `moogo spray start`.
#[derive(Debug, Args)]
pub struct SprayStartArgs {
    /// Device id or name.
    #[command(flatten)]
    pub device: DeviceArg,
    /// Spray for this long, then stop: `90`, `90s`, `2m` (at most 1h).
    #[arg(long = "for", value_name = "DURATION", conflicts_with = "no_wait")]
    pub duration: Option<String>,
    /// Return once the service accepted the command, without waiting for the device.
    #[arg(long)]
    pub no_wait: bool,
}

/// Arguments of `moogo spray stop`.
#[derive(Debug, Args)]
pub struct SprayStopArgs {
    /// Device id or name.
    #[command(flatten)]
    pub device: DeviceArg,
    /// Return once the service accepted the command, without waiting for the device.
    #[arg(long)]
    pub no_wait: bool,
}

/// `moogo schedules ...`.
#[derive(Debug, Subcommand)]
pub enum SchedulesCommand {
    /// List a device's schedules.
    List(DeviceArg),
    /// Add a schedule.
    Add(ScheduleAddArgs),
    /// Change a schedule; only the given fields change.
    Update(ScheduleUpdateArgs),
    /// Enable a schedule.
    Enable(ScheduleArg),
    /// Disable a schedule.
    Disable(ScheduleArg),
    /// Skip a schedule's next occurrence.
    Skip(ScheduleArg),
    /// Delete a schedule.
    Rm(ScheduleArg),
    /// Enable every schedule of a device.
    EnableAll(DeviceArg),
    /// Disable every schedule of a device.
    DisableAll(DeviceArg),
}

/// A device and one of its schedules.
#[derive(Debug, Args)]
pub struct ScheduleArg {
    /// Device id or name.
    #[command(flatten)]
    pub device: DeviceArg,
    /// Schedule id, as `moogo schedules list` shows it.
    #[arg(value_name = "ID")]
    pub id: String,
}

/// Arguments of `moogo schedules add`.
#[derive(Debug, Args)]
pub struct ScheduleAddArgs {
    /// Device id or name.
    #[command(flatten)]
    pub device: DeviceArg,
    /// Time of day, HH:MM (24-hour clock, device time).
    #[arg(long, value_name = "HH:MM")]
    pub at: String,
    /// How long to spray: `90`, `90s`, `2m` (at most 1h).
    #[arg(long, value_name = "DURATION")]
    pub duration: String,
    /// Days: `daily` (default), `weekdays`, `weekends`, `1,3,5` (0 = Sunday) or `mon,wed`.
    #[arg(long, value_name = "DAYS")]
    pub days: Option<String>,
    /// Create the schedule disabled.
    #[arg(long)]
    pub disabled: bool,
}

/// Arguments of `moogo schedules update`.
#[derive(Debug, Args)]
pub struct ScheduleUpdateArgs {
    /// Device id or name, and schedule id.
    #[command(flatten)]
    pub schedule: ScheduleArg,
    /// New time of day, HH:MM.
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// New duration: `90`, `90s`, `2m`.
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// New days: `daily`, `weekdays`, `weekends`, `1,3,5` or `mon,wed`.
    #[arg(long, value_name = "DAYS")]
    pub days: Option<String>,
    /// Enable the schedule.
    #[arg(long, conflicts_with = "disable")]
    pub enable: bool,
    /// Disable the schedule.
    #[arg(long)]
    pub disable: bool,
}

/// Arguments of `moogo logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Device id or name.
    #[command(flatten)]
    pub device: DeviceArg,
    /// First day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Page number, from 1.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub page: u32,
    /// Entries per page.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub page_size: u32,
}

/// `moogo config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show a device's configuration.
    Get(DeviceArg),
    /// Change configuration keys, such as `stopTemperature=35 stopRainy=true timeZone=Europe/Paris`.
    Set(ConfigSetArgs),
}

/// Arguments of `moogo config set`.
#[derive(Debug, Args)]
pub struct ConfigSetArgs {
    /// Device id or name.
    #[command(flatten)]
    pub device: DeviceArg,
    /// Settings to write.
    #[arg(value_name = "KEY=VALUE", required = true)]
    pub settings: Vec<String>,
}

/// `moogo firmware ...`.
#[derive(Debug, Subcommand)]
pub enum FirmwareCommand {
    /// Ask whether a firmware update is available.
    Check(DeviceArg),
    /// Start the firmware update.
    Update(DeviceArg),
}

/// `moogo lockout ...`.
#[derive(Debug, Subcommand)]
pub enum LockoutCommand {
    /// Show whether the account is locked out, and until when.
    Status,
    /// Delete the local lockout record (the service may still refuse requests until the lockout ends).
    Clear,
}

/// Arguments of `moogo completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_anywhere() {
        let cli = Cli::try_parse_from(["moogo", "devices", "--json", "--sim"])
            .expect("valid command line");
        assert!(cli.global.json && cli.global.sim);
        assert!(matches!(cli.command, Command::Devices));
    }

    #[test]
    fn spray_for_and_no_wait_conflict() {
        let result = Cli::try_parse_from([
            "moogo",
            "spray",
            "start",
            "Patio",
            "--for",
            "30s",
            "--no-wait",
        ]);
        assert!(result.is_err());
    }
}
