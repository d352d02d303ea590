//! Request counters: what tests assert about how a client used the service.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::route::Route;

/// A snapshot of the simulator's counters, as `GET /__sim/stats` returns them.
///
/// Only calls of the Moogo API count; the control surface (`/__sim/...`) does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Logins that succeeded (a token was issued).
    pub logins: u64,
    /// Logins refused because of wrong credentials or a locked account.
    pub failed_logins: u64,
    /// Every request to the Moogo API, including refused, faulted and unknown ones.
    pub requests: u64,
    /// Requests per route, keyed `"METHOD path-template"` such as
    /// `"GET v1/devices/{deviceId}"`; routes never called are absent; requests that
    /// matched no route count under `"METHOD <unknown>"`.
    pub by_route: BTreeMap<String, u64>,
    /// How many times an account was locked out.
    pub lockouts: u64,
}

/// The live counters behind [`Stats`]; cheap to bump from many connections at once.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    logins: AtomicU64,
    failed_logins: AtomicU64,
    requests: AtomicU64,
    lockouts: AtomicU64,
    by_route: [AtomicU64; Route::ALL.len()],
    unknown_routes: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    /// Counts a request to a known route.
    pub(crate) fn request(&self, route: Route) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.by_route[route.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request that matched no route.
    pub(crate) fn unknown_request(&self, method: &str) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut unknown = self
            .unknown_routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *unknown.entry(format!("{method} <unknown>")).or_default() += 1;
    }

    /// Counts a successful login.
    pub(crate) fn login(&self) {
        self.logins.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a refused login.
    pub(crate) fn failed_login(&self) {
        self.failed_logins.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an account being locked.
    pub(crate) fn lockout(&self) {
        self.lockouts.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets every counter back to zero.
    pub(crate) fn reset(&self) {
        for counter in [
            &self.logins,
            &self.failed_logins,
            &self.requests,
            &self.lockouts,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
        for counter in &self.by_route {
            counter.store(0, Ordering::Relaxed);
        }
        self.unknown_routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// A consistent-enough snapshot (each counter is read once).
    pub(crate) fn snapshot(&self) -> Stats {
        let mut by_route: BTreeMap<String, u64> = Route::ALL
            .into_iter()
            .filter_map(|route| {
                let count = self.by_route[route.index()].load(Ordering::Relaxed);
                (count > 0).then(|| (route.key(), count))
            })
            .collect();
        by_route.extend(
            self.unknown_routes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .iter()
                .map(|(key, count)| (key.clone(), *count)),
        );
        Stats {
            logins: self.logins.load(Ordering::Relaxed),
            failed_logins: self.failed_logins.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            by_route,
            lockouts: self.lockouts.load(Ordering::Relaxed),
        }
    }
}
