//! Account commands: `login`, `logout`, `session ...` and `lockout ...`.
//!
//! These work on the session file and the lockout record; only `login`
//! talks to the service, and only when no valid session for that account exists.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use moogo::SessionStore;

use crate::cli::{LockoutCommand, LoginArgs, SessionCommand};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::Output;
use crate::view;

/// The environment variable holding the email for `moogo login`.
const EMAIL_VARIABLE: &str = "MOOGO_EMAIL";

/// The environment variable holding the password for `moogo login`.
const PASSWORD_VARIABLE: &str = "MOOGO_PASSWORD";

/// `moogo login`.
pub(super) async fn login(
    args: LoginArgs,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let store = context.store();
    let (email, password) = match (args.email, context.demo_credentials()) {
        (None, Some((email, password))) => (email.to_owned(), password.to_owned()),
        (email, _) => {
            let email = email.or_else(|| std::env::var(EMAIL_VARIABLE).ok());
            let email = match email.filter(|email| !email.trim().is_empty()) {
                Some(email) => email,
                None => prompt_email()?,
            };
            if let Some(session) = reusable_session(&store, &email)? {
                return output
                    .emit(&session_view(
                        &session,
                        context.session_file(),
                        "Already logged in; the session was reused.",
                    ))
                    .map_err(Error::Output);
            }
            (email.clone(), password_for(&email)?)
        }
    };
    // No session store here: a failed login must not replace a working session.
    let client = context
        .client_builder()
        .credentials(email.clone(), password)
        .state_dir(context.state_dir())
        .build()
        .map_err(Error::service("set up the client"))?;
    let session = client
        .login()
        .await
        .map_err(Error::service(format!("log in as {email}")))?;
    store
        .save(&session)
        .map_err(Error::service("save the session"))?;
    output
        .emit(&session_view(
            &session,
            context.session_file(),
            "Logged in.",
        ))
        .map_err(Error::Output)
}

/// The stored session, if it belongs to `email` and is good for more than an hour.
fn reusable_session(store: &moogo::FileStore, email: &str) -> Result<Option<moogo::Session>> {
    let session = store.load().map_err(Error::service("read the session"))?;
    Ok(session.filter(|session| {
        session.email().eq_ignore_ascii_case(email.trim())
            && !session.needs_refresh(jiff::Timestamp::now())
    }))
}

fn prompt_email() -> Result<String> {
    let missing = Error::MissingCredential {
        what: "email",
        variable: "MOOGO_EMAIL (or give --email)",
    };
    if !std::io::stdin().is_terminal() {
        return Err(missing);
    }
    eprint!("Email: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| Error::File {
            action: "read the email from",
            path: "stdin".into(),
            source,
        })?;
    let email = line.trim().to_owned();
    if email.is_empty() {
        Err(missing)
    } else {
        Ok(email)
    }
}

fn password_for(email: &str) -> Result<String> {
    if let Some(password) = std::env::var(PASSWORD_VARIABLE)
        .ok()
        .filter(|password| !password.is_empty())
    {
        return Ok(password);
    }
    let missing = Error::MissingCredential {
        what: "password",
        variable: PASSWORD_VARIABLE,
    };
    if !std::io::stdin().is_terminal() {
        return Err(missing);
    }
    let password =
        rpassword::prompt_password(format!("Password for {email}: ")).map_err(|source| {
            Error::File {
                action: "read the password from",
                path: "the terminal".into(),
                source,
            }
        })?;
    if password.is_empty() {
        Err(missing)
    } else {
        Ok(password)
    }
}

fn session_view(session: &moogo::Session, file: &Path, heading: &str) -> view::Session {
    view::Session {
        email: session.email().to_owned(),
        user_id: session.user_id().to_owned(),
        expires_at: session.expires_at(),
        token: view::REDACTED,
        file: file.display().to_string(),
        heading: Some(heading.to_owned()),
    }
}

/// `moogo logout`.
pub(super) fn logout(context: &Context, output: &mut Output<'_>) -> Result<()> {
    let file = context.session_file();
    let sentence = match std::fs::remove_file(file) {
        Ok(()) => format!("Logged out: removed {}.", file.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            "Not logged in; nothing to remove.".to_owned()
        }
        Err(source) => {
            return Err(Error::File {
                action: "remove the session file",
                path: file.to_owned(),
                source,
            });
        }
    };
    let document = view::Done {
        done: "logged_out",
        file: Some(file.display().to_string()),
        sentence,
    };
    output.emit(&document).map_err(Error::Output)
}

/// `moogo session show|export|import`.
pub(super) fn session(
    command: SessionCommand,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let store = context.store();
    match command {
        SessionCommand::Show => {
            let session = stored_session(context)?;
            let heading = if session.is_expired(jiff::Timestamp::now()) {
                "The session has expired; run `moogo login`."
            } else {
                "Logged in."
            };
            output
                .emit(&session_view(&session, context.session_file(), heading))
                .map_err(Error::Output)
        }
        SessionCommand::Export(args) => {
            let session = stored_session(context)?;
            moogo::FileStore::new(&args.file)
                .save(&session)
                .map_err(Error::service("export the session"))?;
            let document = view::Done {
                done: "session_exported",
                file: Some(args.file.display().to_string()),
                sentence: format!(
                    "Exported the session of {} to {} (mode 0600; it holds the token, keep it secret).",
                    session.email(),
                    args.file.display()
                ),
            };
            output.emit(&document).map_err(Error::Output)
        }
        SessionCommand::Import(args) => {
            let text = std::fs::read_to_string(&args.file).map_err(|source| Error::File {
                action: "read the session file",
                path: args.file.clone(),
                source,
            })?;
            let session: moogo::Session =
                serde_json::from_str(&text).map_err(|source| Error::NotASession {
                    path: args.file.clone(),
                    line: source.line(),
                    column: source.column(),
                })?;
            store
                .save(&session)
                .map_err(Error::service("save the session"))?;
            let heading = format!("Imported the session of {}.", session.email());
            output
                .emit(&session_view(&session, context.session_file(), &heading))
                .map_err(Error::Output)
        }
    }
}

fn stored_session(context: &Context) -> Result<moogo::Session> {
    context
        .store()
        .load()
        .map_err(Error::service("read the session"))?
        .ok_or_else(|| Error::NotLoggedIn {
            session_file: context.session_file().to_owned(),
        })
}

/// `moogo lockout status|clear`.
pub(super) fn lockout(
    command: LockoutCommand,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let path = context.lockout_file();
    let record = read_lockout(&path)?;
    match command {
        LockoutCommand::Status => {
            let now = jiff::Timestamp::now();
            let document = view::Lockout {
                locked: record
                    .as_ref()
                    .is_some_and(|record| record.locked_until > now),
                locked_until: record.as_ref().map(|record| record.locked_until),
                detected_at: record.as_ref().map(|record| record.detected_at),
                message: record.as_ref().map(|record| record.message.clone()),
                record: path.display().to_string(),
            };
            output.emit(&document).map_err(Error::Output)
        }
        LockoutCommand::Clear => {
            let sentence = match &record {
                None => "No lockout recorded; nothing to clear.".to_owned(),
                Some(record) => {
                    std::fs::remove_file(&path).map_err(|source| Error::File {
                        action: "remove the lockout record",
                        path: path.clone(),
                        source,
                    })?;
                    format!(
                        "Removed the lockout record; if the lockout is still in force, the service refuses requests until {} and each one extends it.",
                        crate::render::time(record.locked_until)
                    )
                }
            };
            let document = view::Done {
                done: "lockout_cleared",
                file: Some(path.display().to_string()),
                sentence,
            };
            output.emit(&document).map_err(Error::Output)
        }
    }
}

/// The lockout record, or `None` when there is none (or it is unreadable).
fn read_lockout(path: &Path) -> Result<Option<moogo::LockoutRecord>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::File {
            action: "read the lockout record",
            path: path.to_owned(),
            source,
        }),
    }
}
