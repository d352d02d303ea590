//! `moogo liquids` and `moogo recommended`: the service's public catalogue.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::Output;
use crate::view;

/// `moogo liquids`.
pub(super) async fn liquids(context: &Context, output: &mut Output<'_>) -> Result<()> {
    let client = context.client()?;
    let liquids = client
        .liquids()
        .await
        .map_err(Error::service("list the liquids"))?;
    let document = view::Liquids {
        liquids: liquids.iter().map(view::LiquidRow::from).collect(),
    };
    output.emit(&document).map_err(Error::Output)
}

/// `moogo recommended`.
pub(super) async fn recommended(context: &Context, output: &mut Output<'_>) -> Result<()> {
    let client = context.client()?;
    let schedules = client
        .recommended_schedules()
        .await
        .map_err(Error::service("list the recommended schedules"))?;
    let document = view::Recommended {
        schedules: schedules.iter().map(view::ScheduleRow::from).collect(),
    };
    output.emit(&document).map_err(Error::Output)
}
