//! Accounts, tokens and the login rate limit.
//!
//! A wrong password counts against the account; after `lockout_after` consecutive failures
//! the account is locked for the lockout window, and every request for it (logins included)
//! answers code 10000 until the window ends. A login attempt during a lockout starts the
//! window again, as the real service's "every retry extends the lockout" warns.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use jiff::Timestamp;

use crate::envelope::ApiError;
use crate::stats::Counters;

/// The rules of authentication.
#[derive(Debug, Clone)]
pub(crate) struct AuthRules {
    pub(crate) lockout_after: u32,
    pub(crate) lockout_window: Duration,
    pub(crate) token_ttl: Duration,
    pub(crate) request_budget: Option<u64>,
}

/// An account of the simulated service.
#[derive(Clone)]
pub(crate) struct Account {
    pub(crate) email: String,
    pub(crate) password: String,
    pub(crate) user_id: String,
    failed_logins: u32,
    locked_until: Option<Timestamp>,
}

#[derive(Clone)]
struct TokenInfo {
    account: usize,
    expires_at: Timestamp,
    requests: u64,
}

/// A successful login.
#[derive(Clone)]
pub(crate) struct Grant {
    pub(crate) token: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) ttl: u64,
}

/// Every account and every token issued.
#[derive(Default)]
pub(crate) struct Accounts {
    accounts: Vec<Account>,
    by_email: HashMap<String, usize>,
    tokens: HashMap<String, TokenInfo>,
}

// Passwords and tokens never appear in debug output.
impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("email", &self.email)
            .field("user_id", &self.user_id)
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("user_id", &self.user_id)
            .field("email", &self.email)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accounts")
            .field("accounts", &self.accounts)
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl Account {
    /// An account that has never failed a login.
    pub(crate) fn new(email: String, password: String, user_id: String) -> Self {
        Self {
            email,
            password,
            user_id,
            failed_logins: 0,
            locked_until: None,
        }
    }

    fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Accounts {
    /// Adds an account; returns its index.
    pub(crate) fn add(&mut self, account: Account) -> usize {
        let index = self.accounts.len();
        self.by_email.insert(email_key(&account.email), index);
        self.accounts.push(account);
        index
    }

    /// The account at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&Account> {
        self.accounts.get(index)
    }

    /// Checks credentials and issues a token, applying the lockout rules.
    pub(crate) fn login(
        &mut self,
        email: &str,
        password: &str,
        now: Timestamp,
        rules: &AuthRules,
        counters: &Counters,
    ) -> Result<Grant, ApiError> {
        let Some(&index) = self.by_email.get(&email_key(email)) else {
            counters.failed_login();
            return Err(ApiError::invalid_credentials());
        };
        let account = &mut self.accounts[index];
        let lock_until = now
            .saturating_add(rules.lockout_window)
            .unwrap_or(Timestamp::MAX);
        if account.is_locked(now) {
            counters.failed_login();
            account.locked_until = Some(lock_until);
            return Err(ApiError::rate_limited(rules.lockout_window));
        }
        if account.password != password {
            counters.failed_login();
            account.failed_logins += 1;
            if rules.lockout_after > 0 && account.failed_logins >= rules.lockout_after {
                account.failed_logins = 0;
                account.locked_until = Some(lock_until);
                counters.lockout();
                return Err(ApiError::rate_limited(rules.lockout_window));
            }
            return Err(ApiError::invalid_credentials());
        }
        account.failed_logins = 0;
        counters.login();
        let grant = Grant {
            token: new_token(),
            user_id: account.user_id.clone(),
            email: account.email.clone(),
            ttl: rules.token_ttl.as_secs(),
        };
        self.tokens.insert(
            grant.token.clone(),
            TokenInfo {
                account: index,
                expires_at: now
                    .saturating_add(rules.token_ttl)
                    .unwrap_or(Timestamp::MAX),
                requests: 0,
            },
        );
        Ok(grant)
    }

    /// Finds the account a request's token belongs to, or the reason to refuse it.
    pub(crate) fn authenticate(
        &mut self,
        token: Option<&str>,
        now: Timestamp,
        rules: &AuthRules,
    ) -> Result<usize, ApiError> {
        let info = token
            .and_then(|token| self.tokens.get_mut(token))
            .ok_or_else(ApiError::unauthorized)?;
        if self.accounts[info.account].is_locked(now) {
            return Err(ApiError::rate_limited(rules.lockout_window));
        }
        if now >= info.expires_at {
            return Err(ApiError::unauthorized());
        }
        info.requests += 1;
        if rules
            .request_budget
            .is_some_and(|budget| info.requests > budget)
        {
            return Err(ApiError::budget_exhausted());
        }
        Ok(info.account)
    }
}

fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{INVALID_CREDENTIALS, RATE_LIMITED, UNAUTHORIZED};

    fn rules(lockout_after: u32) -> AuthRules {
        AuthRules {
            lockout_after,
            lockout_window: Duration::from_secs(3600),
            token_ttl: Duration::from_secs(60),
            request_budget: Some(2),
        }
    }

    fn accounts() -> Accounts {
        let mut accounts = Accounts::default();
        accounts.add(Account::new(
            "Ada@Example.com".into(),
            "pw".into(),
            "u-1".into(),
        ));
        accounts
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn the_nth_failure_locks_and_attempts_during_the_lockout_extend_it() {
        let (mut accounts, counters, rules) = (accounts(), Counters::default(), rules(2));
        let code = |result: Result<Grant, ApiError>| result.map(|_| 0).unwrap_or_else(|e| e.code);
        assert_eq!(
            code(accounts.login("ada@example.com", "x", at(0), &rules, &counters)),
            INVALID_CREDENTIALS
        );
        assert_eq!(
            code(accounts.login("ada@example.com", "x", at(1), &rules, &counters)),
            RATE_LIMITED
        );
        assert_eq!(
            code(accounts.login("ada@example.com", "pw", at(1800), &rules, &counters)),
            RATE_LIMITED
        );
        // The attempt at 1800 s moved the end of the lockout to 5400 s.
        assert_eq!(
            code(accounts.login("ada@example.com", "pw", at(5399), &rules, &counters)),
            RATE_LIMITED
        );
        assert_eq!(
            code(accounts.login(
                " ADA@example.com ",
                "pw",
                at(5399 + 3600),
                &rules,
                &counters
            )),
            0
        );
        let stats = counters.snapshot();
        assert_eq!(
            (stats.logins, stats.failed_logins, stats.lockouts),
            (1, 4, 1)
        );
    }

    #[test]
    fn debug_output_hides_passwords_and_tokens() {
        let (mut accounts, counters, rules) = (accounts(), Counters::default(), rules(1));
        let grant = accounts
            .login("ada@example.com", "pw", at(0), &rules, &counters)
            .unwrap();
        let debug = format!("{accounts:?} {grant:?}");
        assert!(
            !debug.contains(&grant.token) && !debug.contains("\"pw\""),
            "{debug}"
        );
    }

    #[test]
    fn tokens_expire_and_have_a_budget() {
        let (mut accounts, counters, rules) = (accounts(), Counters::default(), rules(1));
        let grant = accounts
            .login("ada@example.com", "pw", at(0), &rules, &counters)
            .unwrap();
        assert_eq!(grant.token.len(), 32);
        assert_eq!(
            accounts.authenticate(Some(&grant.token), at(1), &rules),
            Ok(0)
        );
        assert_eq!(
            accounts.authenticate(Some(&grant.token), at(2), &rules),
            Ok(0)
        );
        assert_eq!(
            accounts
                .authenticate(Some(&grant.token), at(3), &rules)
                .unwrap_err()
                .code,
            429
        );
        assert_eq!(
            accounts
                .authenticate(Some(&grant.token), at(60), &rules)
                .unwrap_err()
                .code,
            UNAUTHORIZED
        );
        assert_eq!(
            accounts
                .authenticate(Some("nope"), at(1), &rules)
                .unwrap_err()
                .code,
            UNAUTHORIZED
        );
        assert_eq!(
            accounts.authenticate(None, at(1), &rules).unwrap_err().code,
            UNAUTHORIZED
        );
    }
}
