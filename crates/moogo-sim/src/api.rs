//! The Moogo API: the router, and the pipeline every API request goes through (counting,
//! faults, then the endpoint, which authenticates through [`Caller`]).

mod catalogue;
mod configs;
mod devices;
mod login;
mod logs;
mod ota;
mod pipeline;
mod schedules;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post, put};

use crate::envelope::ApiError;
use crate::simulation::Simulation;

/// The header that carries the token.
const TOKEN_HEADER: &str = "token";

/// Every endpoint of the API table, with the pipeline and the 404 fallback.
pub(crate) fn router(simulation: Arc<Simulation>) -> Router {
    let schedule = "/v1/devices/{deviceId}/schedules/{scheduleId}";
    Router::new()
        .route("/v1/user/login", post(login::login))
        .route("/v1/devices", get(devices::list))
        .route(
            "/v1/devices/{deviceId}",
            get(devices::status).put(devices::update),
        )
        .route("/v1/devices/{deviceId}/start", post(devices::start))
        .route("/v1/devices/{deviceId}/stop", post(devices::stop))
        .route(
            "/v1/devices/{deviceId}/schedules",
            get(schedules::list).post(schedules::create),
        )
        .route(
            schedule,
            get(schedules::get_one)
                .put(schedules::update)
                .delete(schedules::delete),
        )
        .route(&format!("{schedule}/enable"), put(schedules::enable))
        .route(&format!("{schedule}/disable"), put(schedules::disable))
        .route(&format!("{schedule}/skip"), put(schedules::skip))
        .route(
            "/v1/devices/{deviceId}/schedules/switch/open",
            put(schedules::enable_all),
        )
        .route(
            "/v1/devices/{deviceId}/schedules/switch/close",
            put(schedules::disable_all),
        )
        .route("/v1/devices/{deviceId}/logs", get(logs::list))
        .route(
            "/v1/devices/{deviceId}/configs",
            get(configs::get_configs).put(configs::update),
        )
        .route("/v1/devices/{deviceId}/otaCheck", post(ota::check))
        .route("/v1/devices/{deviceId}/otaUpdate", post(ota::update))
        .route("/v1/liquid", get(catalogue::liquids))
        .route(
            "/v1/devices/schedules",
            get(catalogue::recommended_schedules),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&simulation),
            pipeline::pipeline,
        ))
        .with_state(simulation)
}

async fn unknown_route() -> ApiError {
    ApiError::unknown_route()
}

/// The account behind a request's `token` header; rejects with 401, 10000 or 429.
pub(crate) struct Caller {
    pub(crate) account: usize,
}

impl FromRequestParts<Arc<Simulation>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        simulation: &Arc<Simulation>,
    ) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(TOKEN_HEADER)
            .and_then(|value| value.to_str().ok());
        let now = simulation.now();
        let account = simulation
            .state()
            .accounts
            .authenticate(token, now, &simulation.rules)?;
        Ok(Caller { account })
    }
}
