//! `POST v1/user/login`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use crate::body::JsonBody;
use crate::envelope::{self, ApiError};
use crate::simulation::Simulation;

/// Checks the credentials and issues a token, under the lockout rules.
pub(crate) async fn login(
    State(simulation): State<Arc<Simulation>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = JsonBody::parse(&body)?;
    let email = body.required_str("email")?;
    let password = body.required_str("password")?;
    body.optional_bool("keep")?;
    let now = simulation.now();
    let grant = simulation.state().accounts.login(
        email,
        password,
        now,
        &simulation.rules,
        &simulation.counters,
    )?;
    tracing::debug!(email = %grant.email, "login");
    Ok(envelope::success(json!({
        "token": grant.token,
        "userId": grant.user_id,
        "email": grant.email,
        "ttl": grant.ttl,
    })))
}
