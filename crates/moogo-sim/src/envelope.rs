//! The JSON envelope `{"code", "message", "data"}` of every Moogo API answer, and the
//! service's error answers.
//!
//! Like the real service, errors travel as HTTP 200 with a non-zero `code`. The exceptions
//! are unknown routes (HTTP 404) and an exhausted request budget (HTTP 429), both still with
//! an envelope. An unauthorized request gets HTTP 200 with `code` 401; the `status:401` fault
//! produces the HTTP-status form.

use std::borrow::Cow;
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `code` of a success.
pub(crate) const SUCCESS: i64 = 0;
/// `code` of a locked account.
pub(crate) const RATE_LIMITED: i64 = 10000;
/// `code` of a wrong email or password.
pub(crate) const INVALID_CREDENTIALS: i64 = 10104;
/// `code` of a command to an offline device.
pub(crate) const DEVICE_OFFLINE: i64 = 10201;
/// `code` of a missing, unknown or expired token.
pub(crate) const UNAUTHORIZED: i64 = 401;
/// `code` of a bad request body or query.
pub(crate) const BAD_REQUEST: i64 = 400;
/// `code` of an unknown device, schedule or route.
pub(crate) const NOT_FOUND: i64 = 404;

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    code: i64,
    message: &'a str,
    data: T,
}

/// A JSON response with the right content type.
pub(crate) fn json_response(status: StatusCode, body: impl IntoResponse) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Serialises an envelope with HTTP 200.
pub(crate) fn envelope(code: i64, message: &str, data: impl Serialize) -> Response {
    envelope_with_status(StatusCode::OK, code, message, data)
}

/// Serialises an envelope with the given HTTP status.
pub(crate) fn envelope_with_status(
    status: StatusCode,
    code: i64,
    message: &str,
    data: impl Serialize,
) -> Response {
    match serde_json::to_vec(&Envelope {
        code,
        message,
        data,
    }) {
        Ok(body) => json_response(status, body),
        // Serialising plain data structures cannot fail; answer like a server that broke.
        Err(_) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            br#"{"code":500,"message":"server error","data":null}"#.to_vec(),
        ),
    }
}

/// A success envelope carrying `data`.
pub(crate) fn success(data: impl Serialize) -> Response {
    envelope(SUCCESS, "success", data)
}

/// An error answer of the simulated service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: i64,
    pub(crate) message: Cow<'static, str>,
}

impl ApiError {
    fn new(code: i64, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status: StatusCode::OK,
            code,
            message: message.into(),
        }
    }

    /// A bad request; the message names the offending field.
    pub(crate) fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(BAD_REQUEST, message)
    }

    /// A missing, unknown or expired token.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            UNAUTHORIZED,
            "token invalid or expired, please log in again",
        )
    }

    /// A wrong email or password.
    pub(crate) fn invalid_credentials() -> Self {
        Self::new(INVALID_CREDENTIALS, "incorrect email or password")
    }

    /// A locked account; `window` is how long a lockout lasts.
    pub(crate) fn rate_limited(window: Duration) -> Self {
        Self::new(
            RATE_LIMITED,
            format!(
                "too many failed login attempts, the account is locked for {}",
                spelled_out(window)
            ),
        )
    }

    /// A command to an offline device.
    pub(crate) fn device_offline() -> Self {
        Self::new(DEVICE_OFFLINE, "device is offline")
    }

    /// An unknown device or schedule.
    pub(crate) fn not_found(what: &'static str) -> Self {
        Self::new(NOT_FOUND, format!("{what} not found"))
    }

    /// A route that does not exist, with HTTP 404.
    pub(crate) fn unknown_route() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            ..Self::new(NOT_FOUND, "no such endpoint")
        }
    }

    /// A token that used up its request budget, with HTTP 429.
    pub(crate) fn budget_exhausted() -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            ..Self::new(429, "request budget of this token is exhausted")
        }
    }
}

/// `24 hours`, `1 hour`, or humantime's form for anything that is not whole hours.
fn spelled_out(window: Duration) -> String {
    match window.as_secs() {
        3600 => "1 hour".to_owned(),
        seconds if seconds > 0 && seconds % 3600 == 0 && window.subsec_nanos() == 0 => {
            format!("{} hours", seconds / 3600)
        }
        _ => humantime::format_duration(window).to_string(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        envelope_with_status(self.status, self.code, &self.message, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_messages_spell_the_window_out() {
        let message = |seconds| ApiError::rate_limited(Duration::from_secs(seconds)).message;
        assert_eq!(
            message(86_400),
            "too many failed login attempts, the account is locked for 24 hours"
        );
        assert_eq!(
            message(3600),
            "too many failed login attempts, the account is locked for 1 hour"
        );
        assert_eq!(
            message(90),
            "too many failed login attempts, the account is locked for 1m 30s"
        );
    }
}
