//! Where a session lives between runs: a shared file or the environment.
//!
//! The file store is safe to share between processes. Its [`SessionStore::lock`]
//! takes an advisory lock on a lock file next to the session file, so that
//! when many processes need a login at once, one logs in and the others,
//! after re-reading the file under the lock, reuse its session.

use std::fmt::Debug;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::error::{Error, Result};
use crate::session::Session;

/// Persistent storage for a [`Session`].
///
/// Implementations are called from a blocking thread (`spawn_blocking`), so
/// they may do blocking I/O.
pub trait SessionStore: Debug + Send + Sync + 'static {
    /// The stored session, or `None` when there is none.
    ///
    /// # Errors
    ///
    /// When the storage exists but cannot be read.
    fn load(&self) -> Result<Option<Session>>;

    /// Stores `session`, replacing any previous one.
    ///
    /// # Errors
    ///
    /// When the storage cannot be written.
    fn save(&self, session: &Session) -> Result<()>;

    /// Takes the store's exclusive lock, blocking until it is free; released
    /// when the returned guard is dropped.
    ///
    /// The client holds it around "re-read, log in if still needed, save".
    /// The default does no locking.
    ///
    /// # Errors
    ///
    /// When the lock cannot be taken.
    fn lock(&self) -> Result<StoreLock> {
        Ok(StoreLock::none())
    }

    /// The directory for shared state such as `lockout.json`, if the store has one.
    fn state_dir(&self) -> Option<PathBuf> {
        None
    }
}

/// An exclusive store lock, released on drop.
#[derive(Debug)]
pub struct StoreLock {
    file: Option<File>,
}

impl StoreLock {
    /// A guard that locks nothing, for stores that need no locking.
    pub fn none() -> Self {
        Self { file: None }
    }

    /// A guard over `file`, which the caller has locked (`File::lock`); it is
    /// unlocked when the guard is dropped.
    pub fn from_locked_file(file: File) -> Self {
        Self { file: Some(file) }
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            // Closing the file releases the lock too; unlocking first is explicit.
            let _ = file.unlock();
        }
    }
}

/// A session stored in a JSON file (mode 0600), replaced atomically.
///
/// The lock file is the session file's path with `.lock` appended, and its
/// directory is the state directory (holding `lockout.json`).
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store for the session file at `path` (created on the first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The session file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }
}

impl SessionStore for FileStore {
    fn load(&self) -> Result<Option<Session>> {
        let (text, modified) = match fs::File::open(&self.path).and_then(|mut file| {
            let modified = file.metadata()?.modified().ok();
            let mut text = String::new();
            io::Read::read_to_string(&mut file, &mut text)?;
            Ok((text, modified))
        }) {
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(Error::Storage {
                    action: "read the session file",
                    path: self.path.clone(),
                    source,
                });
            }
        };
        match serde_json::from_str::<Session>(&text) {
            // The file is written at login, so its modification time tells
            // when the token was issued.
            Ok(session) => Ok(Some(
                match modified.and_then(|m| Timestamp::try_from(m).ok()) {
                    Some(issued_at) => session.with_issued_at(issued_at),
                    None => session,
                },
            )),
            Err(err) => {
                tracing::warn!(path = %self.path.display(), error = %err, "ignoring an unreadable session file");
                Ok(None)
            }
        }
    }

    fn save(&self, session: &Session) -> Result<()> {
        let dir = self.dir();
        let storage_error = |action, source| Error::Storage {
            action,
            path: self.path.clone(),
            source,
        };
        create_private_dir(&dir).map_err(|e| storage_error("create the state directory for", e))?;
        serde_json::to_vec_pretty(session)
            .map_err(io::Error::other)
            .and_then(|json| write_atomically(&dir, &self.path, &json))
            .map_err(|e| storage_error("write the session file", e))
    }

    fn lock(&self) -> Result<StoreLock> {
        let lock_path = self.lock_path();
        let open = || {
            create_private_dir(&self.dir())?;
            let mut options = OpenOptions::new();
            options.create(true).truncate(false).write(true);
            set_private_mode(&mut options);
            let file = options.open(&lock_path)?;
            file.lock()?;
            Ok(file)
        };
        let file = open().map_err(|source| Error::Storage {
            action: "lock",
            path: lock_path.clone(),
            source,
        })?;
        Ok(StoreLock::from_locked_file(file))
    }

    fn state_dir(&self) -> Option<PathBuf> {
        Some(self.dir())
    }
}

/// A read-only store of a session given in the environment:
/// `MOOGO_CACHED_TOKEN`, `MOOGO_CACHED_USER_ID`, `MOOGO_CACHED_EXPIRES`.
///
/// The expiry is RFC 3339 (`2026-01-01T00:00:00Z`) or a naive ISO timestamp
/// (`2026-01-01T00:00:00`, read as UTC). Saving does nothing: a new session
/// lives in the client's memory only.
#[derive(Clone)]
pub struct EnvStore {
    token: Option<String>,
    user_id: Option<String>,
    expires: Option<String>,
    email: Option<String>,
}

impl Debug for EnvStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvStore")
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish()
    }
}

impl EnvStore {
    /// Reads the variables from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup`, for tests and other sources.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name| lookup(name).filter(|value| !value.trim().is_empty());
        Self {
            token: get("MOOGO_CACHED_TOKEN"),
            user_id: get("MOOGO_CACHED_USER_ID"),
            expires: get("MOOGO_CACHED_EXPIRES"),
            email: get("MOOGO_EMAIL"),
        }
    }
}

impl SessionStore for EnvStore {
    fn load(&self) -> Result<Option<Session>> {
        let (Some(token), Some(expires)) = (&self.token, &self.expires) else {
            return Ok(None);
        };
        let Some(expires_at) = parse_timestamp(expires) else {
            tracing::warn!(value = %expires, "ignoring MOOGO_CACHED_EXPIRES: not an RFC 3339 or ISO timestamp");
            return Ok(None);
        };
        Ok(Some(Session::new(
            token.clone(),
            self.user_id.clone().unwrap_or_default(),
            self.email.clone().unwrap_or_default(),
            expires_at,
        )))
    }

    fn save(&self, _session: &Session) -> Result<()> {
        tracing::debug!("environment session store is read-only; the new session stays in memory");
        Ok(())
    }
}

/// Parses an RFC 3339 timestamp, or a naive ISO date-time taken as UTC.
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Some(timestamp);
    }
    let naive: jiff::civil::DateTime = text.parse().ok()?;
    naive
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Creates `dir` (mode 0700 on Unix) if it does not exist.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `contents` to `path` through a temporary file in `dir` (mode 0600)
/// renamed over it, so readers see the old or the new file, never a mix.
pub(crate) fn write_atomically(dir: &Path, path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut temp = tempfile::Builder::new()
        .prefix(".moogo-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

fn set_private_mode(options: &mut OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    #[cfg(not(unix))]
    let _ = options;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(
            "tok",
            "u1",
            "a@b.c",
            "2030-01-01T00:00:00Z".parse().unwrap(),
        )
    }

    #[test]
    fn file_store_round_trips_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("state/session.json"));
        assert!(store.load().unwrap().is_none());
        store.save(&session()).unwrap();
        let loaded = store.load().unwrap().unwrap();
        assert_eq!(loaded.expose_token(), "tok");
        assert_eq!(store.state_dir().unwrap(), dir.path().join("state"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Only the session file is left: no temporary files.
        let names: Vec<_> = fs::read_dir(dir.path().join("state"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["session.json".to_string()]);
    }

    #[test]
    fn corrupt_session_file_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        fs::write(&path, "{not json").unwrap();
        assert!(FileStore::new(path).load().unwrap().is_none());
    }

    #[test]
    fn file_lock_is_exclusive_between_handles() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("session.json"));
        let guard = store.lock().unwrap();
        let other = File::options()
            .write(true)
            .open(dir.path().join("session.json.lock"))
            .unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(guard);
        other.try_lock().unwrap();
    }

    #[test]
    fn env_store_accepts_rfc3339_and_naive_timestamps() {
        let check = |expires: &str, expected: Option<&str>| {
            let store = EnvStore::from_lookup(|name| match name {
                "MOOGO_CACHED_TOKEN" => Some("tok".into()),
                "MOOGO_CACHED_USER_ID" => Some("u1".into()),
                "MOOGO_CACHED_EXPIRES" => Some(expires.into()),
                _ => None,
            });
            let loaded = store.load().unwrap();
            assert_eq!(
                loaded.map(|s| s.expires_at().to_string()),
                expected.map(str::to_string),
                "{expires}"
            );
        };
        check("2030-01-01T00:00:00Z", Some("2030-01-01T00:00:00Z"));
        check("2030-01-01T02:00:00+02:00", Some("2030-01-01T00:00:00Z"));
        check("2030-01-01T00:00:00", Some("2030-01-01T00:00:00Z"));
        check(
            "2030-01-01T00:00:00.123456",
            Some("2030-01-01T00:00:00.123456Z"),
        );
        check("next tuesday", None);
    }

    #[test]
    fn env_store_without_token_is_empty_and_hides_token_in_debug() {
        assert!(EnvStore::from_lookup(|_| None).load().unwrap().is_none());
        let store = EnvStore::from_lookup(|name| {
            (name == "MOOGO_CACHED_TOKEN").then(|| "SECRET-VALUE".to_string())
        });
        assert!(!format!("{store:?}").contains("SECRET-VALUE"));
    }
}
