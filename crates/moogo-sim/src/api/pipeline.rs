//! What happens to every API request before and after its endpoint: counting and faults.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::envelope::{self, ApiError};
use crate::fault::FaultKind;
use crate::route::Route;
use crate::server::ConnectionAbort;
use crate::simulation::Simulation;

/// The prefix of the control surface, which is neither counted nor faulted.
const CONTROL_PREFIX: &str = "/__sim";

/// Counts the request, applies the faults that match it, and runs the endpoint.
pub(crate) async fn pipeline(
    State(simulation): State<Arc<Simulation>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == CONTROL_PREFIX || path.starts_with("/__sim/") {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|matched| Route::find(&method, matched.as_str()));
    match route {
        Some(route) => simulation.counters.request(route),
        None => simulation.counters.unknown_request(method.as_str()),
    }
    let verdict = simulation.faults.verdict(route, &method, path);
    if !verdict.latency.is_zero() {
        tokio::time::sleep(verdict.latency).await;
    }
    match verdict.action {
        None => as_envelope(next.run(request).await).await,
        Some(FaultKind::Truncate) => truncate(next.run(request).await).await,
        Some(FaultKind::Reset) => {
            if let Some(ConnectInfo(connection)) =
                request.extensions().get::<ConnectInfo<ConnectionAbort>>()
            {
                connection.abort();
            }
            // Never written: the aborted connection refuses every write.
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Some(kind) => fault_response(&kind),
    }
}

/// The answer a fault sends instead of the endpoint's.
fn fault_response(kind: &FaultKind) -> Response {
    match *kind {
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let reason = status.canonical_reason().unwrap_or("error").to_lowercase();
            envelope::envelope_with_status(status, i64::from(code), &reason, ())
        }
        FaultKind::Code(code) => envelope::envelope(code, &code_message(code), ()),
        FaultKind::NonJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The service is busy. Please try again later.\n",
        )
            .into_response(),
        FaultKind::Html(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let page = format!(
                "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            );
            (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
        }
        FaultKind::Unauthorized => ApiError::unauthorized().into_response(),
        // Handled by the pipeline itself.
        FaultKind::Latency(_) | FaultKind::Reset | FaultKind::Truncate => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn code_message(code: i64) -> String {
    match code {
        envelope::RATE_LIMITED => ApiError::rate_limited(std::time::Duration::from_secs(24 * 3600))
            .message
            .into_owned(),
        envelope::INVALID_CREDENTIALS => ApiError::invalid_credentials().message.into_owned(),
        envelope::DEVICE_OFFLINE => ApiError::device_offline().message.into_owned(),
        envelope::UNAUTHORIZED => ApiError::unauthorized().message.into_owned(),
        500 => "server error".to_owned(),
        other => format!("error {other}"),
    }
}

/// Turns axum's plain-text rejections (a path segment that is not UTF-8, for example) into
/// the service's code-400 envelope, so that every answer of the API is an envelope.
async fn as_envelope(response: Response) -> Response {
    let is_rejection = matches!(
        response.status(),
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
    ) && response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|content_type| !content_type.as_bytes().starts_with(b"application/json"));
    if !is_rejection {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let text = text.trim();
    // Lowercase the first letter only, as the other messages are; keep field names intact.
    let mut chars = text.chars();
    let message: String = chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    ApiError::bad_request(message).into_response()
}

/// The endpoint's answer with only the first half of its body.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}
