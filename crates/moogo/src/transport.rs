//! Sending one request: URL, headers, timeout, the lockout guard, tracing,
//! and reading the envelope.
//!
//! Every request passes the lockout guard first, so that nothing is sent while
//! a lockout is in force, and every lockout answer is recorded before it is
//! reported. The token goes in the `token` header and never into a log.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use crate::envelope::{self, Reply};
use crate::error::{Error, Result};
use crate::lockout::LockoutGuard;

/// One HTTP exchange to send.
#[derive(Debug)]
pub(crate) struct Exchange<'a> {
    pub(crate) method: Method,
    /// Relative to the base URL, such as `v1/devices/d1?page=1`.
    pub(crate) path: &'a str,
    pub(crate) body: Option<&'a Value>,
    pub(crate) token: Option<&'a str>,
    pub(crate) attempt: u32,
    /// Keeps the answer's body out of errors (the login answer holds the token).
    pub(crate) withhold_body: bool,
}

/// The HTTP side of a client.
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: url::Url,
    user_agent: String,
    timeout: Option<Duration>,
    pub(crate) lockout: LockoutGuard,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: url::Url,
        user_agent: String,
        timeout: Option<Duration>,
        lockout: LockoutGuard,
    ) -> Self {
        Self {
            http,
            base_url,
            user_agent,
            timeout,
            lockout,
        }
    }

    pub(crate) fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// Sends `exchange` and reads its envelope.
    ///
    /// # Errors
    ///
    /// [`Error::RateLimited`] without sending while a lockout is recorded, or
    /// when the answer is a lockout; transport, timeout and decode errors.
    pub(crate) async fn send(&self, exchange: &Exchange<'_>) -> Result<Reply> {
        self.lockout.check()?;
        let path = exchange.path;
        let url = self.base_url.join(path).map_err(|err| {
            Error::Config(format!("cannot build a URL from path `{path}`: {err}"))
        })?;
        let mut request = self
            .http
            .request(exchange.method.clone(), url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::USER_AGENT, &self.user_agent);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(token) = exchange.token {
            request = request.header("token", token);
        }
        if let Some(body) = exchange.body {
            request = request.json(body);
        }

        let started = Instant::now();
        let outcome = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let retry_after = retry_after_secs(response.headers());
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, retry_after, body))
        }
        .await;
        let latency_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;

        let (status, retry_after, body) = match outcome {
            Ok(answer) => answer,
            Err(source) => {
                tracing::debug!(method = %exchange.method, path, attempt = exchange.attempt, latency_ms, error = %source, "moogo request failed");
                return Err(if source.is_timeout() {
                    Error::Timeout {
                        path: path.to_string(),
                        source,
                    }
                } else {
                    Error::Transport {
                        path: path.to_string(),
                        source,
                    }
                });
            }
        };
        tracing::debug!(method = %exchange.method, path, status, latency_ms, attempt = exchange.attempt, "moogo request");

        let reply = envelope::decode(path, status, &body, exchange.withhold_body)?;
        if let Reply::Failure(failure) = &reply
            && failure.is_lockout()
        {
            let server_until = failure.locked_until().or_else(|| {
                let seconds = jiff::SignedDuration::from_secs(retry_after?);
                self.lockout.now().checked_add(seconds).ok()
            });
            return Err(self.lockout.record(&failure.message, server_until));
        }
        Ok(reply)
    }
}

/// The `Retry-After` header in seconds, when it is a number.
fn retry_after_secs(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse().ok().filter(|secs: &i64| *secs > 0)
}
