//! `moogo schedules ...`: list, add, change and remove a device's schedules.

use super::{display_name, find_device};
use crate::cli::{ScheduleAddArgs, ScheduleUpdateArgs, SchedulesCommand};
use crate::context::Context;
use crate::error::{Error, InvalidInput, Result};
use crate::input::{self, Days};
use crate::render::Output;
use crate::view;

/// Runs one `moogo schedules` command.
pub(super) async fn run(
    command: SchedulesCommand,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    match command {
        SchedulesCommand::List(args) => list(&args.device, context, output).await,
        SchedulesCommand::Add(args) => add(args, context, output).await,
        SchedulesCommand::Update(args) => update(args, context, output).await,
        SchedulesCommand::Enable(args) => {
            one(
                Action::Enable,
                &args.device.device,
                &args.id,
                context,
                output,
            )
            .await
        }
        SchedulesCommand::Disable(args) => {
            one(
                Action::Disable,
                &args.device.device,
                &args.id,
                context,
                output,
            )
            .await
        }
        SchedulesCommand::Skip(args) => {
            one(Action::Skip, &args.device.device, &args.id, context, output).await
        }
        SchedulesCommand::Rm(args) => {
            one(
                Action::Remove,
                &args.device.device,
                &args.id,
                context,
                output,
            )
            .await
        }
        SchedulesCommand::EnableAll(args) => all(true, &args.device, context, output).await,
        SchedulesCommand::DisableAll(args) => all(false, &args.device, context, output).await,
    }
}

async fn list(query: &str, context: &Context, output: &mut Output<'_>) -> Result<()> {
    let client = context.client()?;
    let device = find_device(&client, query).await?;
    let name = display_name(&device);
    let schedules = client
        .device(&device.device_id)
        .schedules()
        .list()
        .await
        .map_err(Error::service(format!("list the schedules of {name}")))?;
    let document = view::Schedules {
        device_id: device.device_id.clone(),
        device_name: name,
        schedules: schedules.iter().map(view::ScheduleRow::from).collect(),
    };
    output.emit(&document).map_err(Error::Output)
}

async fn add(args: ScheduleAddArgs, context: &Context, output: &mut Output<'_>) -> Result<()> {
    let at = input::time_of_day(&args.at)?;
    let seconds = whole_seconds(&args.duration)?;
    let days = args
        .days
        .as_deref()
        .map(input::days)
        .transpose()?
        .unwrap_or(Days::DAILY);
    let create = moogo::ScheduleCreate::new(at.hour, at.minute, seconds)
        .with_weekdays(days.numbers())
        .with_enabled(!args.disabled);
    let client = context.client()?;
    let device = find_device(&client, &args.device.device).await?;
    let name = display_name(&device);
    let schedules = client.device(&device.device_id).schedules();
    let failed = Error::service(format!("add a schedule to {name}"));
    let created = schedules.create(&create).await.map_err(failed)?;
    // When the answer does not hold the new schedule, find it among the
    // schedules (the last one with these settings), so that scripts can use its id.
    let new_id = match created {
        Some(schedule) => Some(schedule.id),
        None => schedules.list().await.ok().and_then(|all| {
            all.iter()
                .rev()
                .find(|schedule| {
                    schedule.hour == Some(i64::from(at.hour))
                        && schedule.minute == Some(i64::from(at.minute))
                        && schedule.duration == Some(i64::from(seconds))
                        && Days::from_numbers(schedule.weekdays()) == days
                })
                .map(|schedule| schedule.id.clone())
        }),
    };
    let state = if args.disabled { ", disabled" } else { "" };
    let id_note = new_id
        .as_deref()
        .map(|id| format!(" (id {id})"))
        .unwrap_or_default();
    let document = view::Change {
        device_id: device.device_id.clone(),
        device_name: name.clone(),
        change: "schedule_added",
        schedule_id: new_id.clone(),
        sentence: format!(
            "Added a schedule{id_note} to {name}: {at} for {}, {days}{state}.",
            humantime::format_duration(std::time::Duration::from_secs(u64::from(seconds)))
        ),
    };
    output.emit(&document).map_err(Error::Output)
}

async fn update(
    args: ScheduleUpdateArgs,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let mut change = moogo::ScheduleUpdate::new();
    let mut changed = Vec::new();
    if let Some(at) = args.at.as_deref().map(input::time_of_day).transpose()? {
        change = change.with_hour(at.hour).with_minute(at.minute);
        changed.push(format!("time {at}"));
    }
    if let Some(text) = &args.duration {
        let seconds = whole_seconds(text)?;
        change = change.with_duration_secs(seconds);
        changed.push(format!(
            "duration {}",
            humantime::format_duration(std::time::Duration::from_secs(u64::from(seconds)))
        ));
    }
    if let Some(days) = args.days.as_deref().map(input::days).transpose()? {
        change = change.with_weekdays(days.numbers());
        changed.push(format!("days {days}"));
    }
    if args.enable || args.disable {
        change = change.with_enabled(args.enable);
        changed.push(if args.enable { "enabled" } else { "disabled" }.to_owned());
    }
    if changed.is_empty() {
        return Err(InvalidInput::new(
            "schedule update",
            args.schedule.id,
            "nothing to change; give --at, --duration, --days, --enable or --disable",
        )
        .into());
    }
    let client = context.client()?;
    let device = find_device(&client, &args.schedule.device.device).await?;
    let name = display_name(&device);
    let id = args.schedule.id;
    client
        .device(&device.device_id)
        .schedules()
        .update(&id, &change)
        .await
        .map_err(Error::service(format!("update schedule {id} of {name}")))?;
    let document = view::Change {
        device_id: device.device_id.clone(),
        device_name: name.clone(),
        change: "schedule_updated",
        schedule_id: Some(id.clone()),
        sentence: format!("Updated schedule {id} of {name}: {}.", changed.join(", ")),
    };
    output.emit(&document).map_err(Error::Output)
}

/// What to do to one schedule.
#[derive(Debug, Clone, Copy)]
enum Action {
    Enable,
    Disable,
    Skip,
    Remove,
}

async fn one(
    action: Action,
    query: &str,
    id: &str,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let client = context.client()?;
    let device = find_device(&client, query).await?;
    let name = display_name(&device);
    let schedules = client.device(&device.device_id).schedules();
    let (verb, change, sentence) = match action {
        Action::Enable => (
            "enable",
            "schedule_enabled",
            format!("Enabled schedule {id} of {name}."),
        ),
        Action::Disable => (
            "disable",
            "schedule_disabled",
            format!("Disabled schedule {id} of {name}."),
        ),
        Action::Skip => (
            "skip",
            "schedule_skipped",
            format!("Schedule {id} of {name} will skip its next run."),
        ),
        Action::Remove => (
            "remove",
            "schedule_removed",
            format!("Removed schedule {id} of {name}."),
        ),
    };
    let result = match action {
        Action::Enable => schedules.enable(id).await,
        Action::Disable => schedules.disable(id).await,
        Action::Skip => schedules.skip_next(id).await,
        Action::Remove => schedules.delete(id).await,
    };
    result.map_err(Error::service(format!("{verb} schedule {id} of {name}")))?;
    let document = view::Change {
        device_id: device.device_id.clone(),
        device_name: name,
        change,
        schedule_id: Some(id.to_owned()),
        sentence,
    };
    output.emit(&document).map_err(Error::Output)
}

async fn all(enable: bool, query: &str, context: &Context, output: &mut Output<'_>) -> Result<()> {
    let client = context.client()?;
    let device = find_device(&client, query).await?;
    let name = display_name(&device);
    let schedules = client.device(&device.device_id).schedules();
    let (result, verb, change) = if enable {
        (schedules.enable_all().await, "enable", "schedules_enabled")
    } else {
        (
            schedules.disable_all().await,
            "disable",
            "schedules_disabled",
        )
    };
    result.map_err(Error::service(format!("{verb} the schedules of {name}")))?;
    let document = view::Change {
        device_id: device.device_id.clone(),
        device_name: name.clone(),
        change,
        schedule_id: None,
        sentence: format!("{}d every schedule of {name}.", capitalized(verb)),
    };
    output.emit(&document).map_err(Error::Output)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A schedule duration in whole seconds.
fn whole_seconds(text: &str) -> Result<u32> {
    let duration = input::duration(text)?;
    u32::try_from(duration.as_secs())
        .map_err(|_| InvalidInput::new("duration", text, "at most 1 h").into())
}
