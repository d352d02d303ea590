//! A logged-in session: the token and what the service said about it.
//!
//! The token is a secret: `Debug` and `Display` never show it, and the only
//! way to read it is [`Session::expose_token`]. Sessions serialize to the
//! session-file contract `{"token", "user_id", "email", "expires_at"}`.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How long before expiry a session is refreshed (one hour).
pub(crate) const REFRESH_MARGIN: SignedDuration = SignedDuration::from_hours(1);

/// A logged-in session, to export after a login and restore in a later run.
///
/// # Examples
///
/// ```
/// let session = moogo::Session::new("secret-token", "user-1", "me@example.com",
///     "2030-01-01T00:00:00Z".parse().unwrap());
/// assert!(!format!("{session:?} {session}").contains("secret-token"));
/// let json = serde_json::to_string(&session).unwrap();
/// let restored: moogo::Session = serde_json::from_str(&json).unwrap();
/// assert_eq!(restored.expose_token(), "secret-token");
/// ```
#[derive(Clone)]
pub struct Session {
    token: SecretString,
    user_id: String,
    email: String,
    expires_at: Timestamp,
    /// When the token was issued, if known; not part of the session file.
    issued_at: Option<Timestamp>,
}

impl Session {
    /// A session from its parts.
    pub fn new(
        token: impl Into<String>,
        user_id: impl Into<String>,
        email: impl Into<String>,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            token: SecretString::from(token.into()),
            user_id: user_id.into(),
            email: email.into(),
            expires_at,
            issued_at: None,
        }
    }

    /// Records when the token was issued, which lets [`Session::refresh_at`]
    /// handle short-lived tokens. Ignored when it is not before the expiry.
    #[must_use]
    pub fn with_issued_at(mut self, issued_at: Timestamp) -> Self {
        self.issued_at = (issued_at < self.expires_at).then_some(issued_at);
        self
    }

    /// When the token was issued, if known (a login, or the session file's
    /// modification time).
    pub fn issued_at(&self) -> Option<Timestamp> {
        self.issued_at
    }

    /// The token, for sending it to the service or storing it elsewhere.
    pub fn expose_token(&self) -> &str {
        self.token.expose_secret()
    }

    /// The user id the service gave at login.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The account's email.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// When the token expires.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// Whether the token is past its expiry at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.expires_at
    }

    /// When the client should log in again instead of waiting for a 401:
    /// one hour before expiry, or, for a token known to live less than two
    /// hours, halfway through its life (so a short token does not draw a
    /// login on every call).
    pub fn refresh_at(&self) -> Timestamp {
        let margin = match self.issued_at {
            Some(issued_at) => REFRESH_MARGIN.min(self.expires_at.duration_since(issued_at) / 2),
            None => REFRESH_MARGIN,
        };
        self.expires_at
            .checked_sub(margin)
            .unwrap_or(Timestamp::MIN)
    }

    /// Whether `now` is at or past [`Session::refresh_at`].
    pub fn needs_refresh(&self, now: Timestamp) -> bool {
        now >= self.refresh_at()
    }

    pub(crate) fn same_token(&self, other: &Session) -> bool {
        self.expose_token() == other.expose_token()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token", &"[REDACTED]")
            .field("user_id", &self.user_id)
            .field("email", &self.email)
            .field("expires_at", &self.expires_at)
            .field("issued_at", &self.issued_at)
            .finish()
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "session of {} (user {}) until {}",
            self.email, self.user_id, self.expires_at
        )
    }
}

/// The session-file format, the contract shared with `cigate secrets sync`.
#[derive(Serialize, Deserialize)]
struct SessionFile<'a> {
    token: std::borrow::Cow<'a, str>,
    user_id: std::borrow::Cow<'a, str>,
    #[serde(default)]
    email: std::borrow::Cow<'a, str>,
    expires_at: Timestamp,
}

impl Serialize for Session {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SessionFile {
            token: self.expose_token().into(),
            user_id: self.user_id.as_str().into(),
            email: self.email.as_str().into(),
            expires_at: self.expires_at,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Session {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let file = SessionFile::deserialize(deserializer)?;
        Ok(Session::new(
            file.token.into_owned(),
            file.user_id.into_owned(),
            file.email.into_owned(),
            file.expires_at,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_at: &str) -> Session {
        Session::new("tok-SECRET", "u1", "a@b.c", expires_at.parse().unwrap())
    }

    #[test]
    fn token_is_never_formatted() {
        let s = session("2030-01-01T00:00:00Z");
        let shown = format!("{s:?} {s} {s:#?}");
        assert!(!shown.contains("tok-SECRET"), "{shown}");
        assert!(shown.contains("a@b.c"));
    }

    #[test]
    fn serializes_to_the_session_file_contract() {
        let s = session("2030-01-01T00:00:00Z");
        let value = serde_json::to_value(&s).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"token": "tok-SECRET", "user_id": "u1", "email": "a@b.c",
                "expires_at": "2030-01-01T00:00:00Z"})
        );
        let back: Session = serde_json::from_value(value).unwrap();
        assert_eq!(back.expose_token(), "tok-SECRET");
        assert_eq!(back.expires_at(), s.expires_at());
    }

    #[test]
    fn refresh_starts_in_the_last_hour() {
        let s = session("2030-01-01T12:00:00Z");
        assert!(!s.needs_refresh("2030-01-01T10:59:59Z".parse().unwrap()));
        assert!(s.needs_refresh("2030-01-01T11:00:00Z".parse().unwrap()));
        assert!(!s.is_expired("2030-01-01T11:59:59Z".parse().unwrap()));
        assert!(s.is_expired("2030-01-01T12:00:00Z".parse().unwrap()));
    }

    #[test]
    fn short_lived_tokens_refresh_halfway() {
        let s =
            session("2030-01-01T12:00:00Z").with_issued_at("2030-01-01T11:30:00Z".parse().unwrap());
        assert_eq!(s.refresh_at().to_string(), "2030-01-01T11:45:00Z");
        let long =
            session("2030-01-01T12:00:00Z").with_issued_at("2029-01-01T12:00:00Z".parse().unwrap());
        assert_eq!(long.refresh_at().to_string(), "2030-01-01T11:00:00Z");
        let bogus =
            session("2030-01-01T12:00:00Z").with_issued_at("2031-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(bogus.issued_at(), None);
    }
}
