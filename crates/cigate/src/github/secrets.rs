//! Repository Actions secrets: values sealed with the repository's public key, then stored.
//!
//! Invariant: a secret value only leaves this module sealed (libsodium sealed box, base64); it
//! is never logged or put in an error.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_box::aead::OsRng;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use super::error::Area;
use super::{Error, GitHub, Result, validate_name};

/// A repository's public key for Actions secrets, as `GET .../actions/secrets/public-key`
/// returns it.
#[derive(Clone, Debug)]
pub struct RepositoryPublicKey {
    key_id: String,
    key: crypto_box::PublicKey,
}

impl RepositoryPublicKey {
    /// Builds a key from GitHub's `key_id` and base64 `key`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPublicKey`] if `key` is not base64 of 32 bytes.
    pub fn new(key_id: &str, key_base64: &str) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidPublicKey {
            key_id: key_id.to_owned(),
            reason,
        };
        let bytes = BASE64
            .decode(key_base64.trim())
            .map_err(|_| invalid("expected base64".to_owned()))?;
        let key = crypto_box::PublicKey::from_slice(&bytes)
            .map_err(|_| invalid(format!("expected 32 bytes, got {}", bytes.len())))?;
        Ok(RepositoryPublicKey {
            key_id: key_id.to_owned(),
            key,
        })
    }

    /// GitHub's identifier of the key, sent back with every sealed value.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals `value` for this key (a libsodium sealed box with a fresh random ephemeral key) and
    /// returns it base64-encoded, ready for GitHub's `encrypted_value`.
    ///
    /// # Errors
    ///
    /// [`Error::Seal`] naming the secret `name` (never the value) if encryption fails.
    pub fn seal(&self, name: &str, value: &SecretString) -> Result<String> {
        let sealed = self
            .key
            .seal(&mut OsRng, value.expose_secret().as_bytes())
            .map_err(|_| Error::Seal {
                name: name.to_owned(),
            })?;
        Ok(BASE64.encode(sealed))
    }
}

/// The Actions secrets of the client's repository; get one from [`GitHub::secrets`].
///
/// Writing secrets needs the "Secrets" repository permission, which `GITHUB_TOKEN` never has:
/// use a personal access token (for example stored as the `PAT_TOKEN` secret).
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'a> {
    github: &'a GitHub,
}

impl<'a> Secrets<'a> {
    pub(super) fn new(github: &'a GitHub) -> Self {
        Secrets { github }
    }

    /// Fetches the repository's public key for sealing secrets.
    ///
    /// Sends `GET /repos/{owner}/{repo}/actions/secrets/public-key`.
    ///
    /// # Errors
    ///
    /// [`Error::Status`] when GitHub refuses (with a hint naming the permission),
    /// [`Error::Transport`], [`Error::Decode`] or [`Error::InvalidPublicKey`].
    pub async fn public_key(&self) -> Result<RepositoryPublicKey> {
        #[derive(Deserialize)]
        struct PublicKeyWire {
            key_id: String,
            key: String,
        }

        let wire: PublicKeyWire = self
            .github
            .send(
                Area::Secrets,
                Method::GET,
                &["actions", "secrets", "public-key"],
                &[],
                None,
            )
            .await?
            .json()?;
        RepositoryPublicKey::new(&wire.key_id, &wire.key)
    }

    /// Stores `value` as secret `name`, sealed with `key`; creates or replaces it.
    ///
    /// Sends `PUT /repos/{owner}/{repo}/actions/secrets/{name}` with
    /// `{"encrypted_value", "key_id"}`.
    /// Fetch `key` once with [`Secrets::public_key`] to store several secrets.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidName`] for a name GitHub would reject, [`Error::Seal`], and as for
    /// [`Secrets::public_key`].
    pub async fn put(
        &self,
        key: &RepositoryPublicKey,
        name: &str,
        value: &SecretString,
    ) -> Result<()> {
        validate_name("secret", name)?;
        let encrypted_value = key.seal(name, value)?;
        self.github
            .send(
                Area::Secrets,
                Method::PUT,
                &["actions", "secrets", name],
                &[],
                Some(json!({ "encrypted_value": encrypted_value, "key_id": key.key_id() })),
            )
            .await?
            .success()?;
        Ok(())
    }

    /// Stores `value` as secret `name`: fetches the public key, then [`Secrets::put`].
    ///
    /// # Errors
    ///
    /// As for [`Secrets::put`].
    pub async fn set(&self, name: &str, value: &SecretString) -> Result<()> {
        validate_name("secret", name)?;
        let key = self.public_key().await?;
        self.put(&key, name, value).await
    }
}

#[cfg(test)]
mod tests {
    use crypto_box::SecretKey;

    use super::*;

    fn keypair() -> (SecretKey, RepositoryPublicKey) {
        let secret_key = SecretKey::generate(&mut OsRng);
        let public = BASE64.encode(secret_key.public_key().as_bytes());
        (
            secret_key,
            RepositoryPublicKey::new("568250167242549743", &public).unwrap(),
        )
    }

    #[test]
    fn sealed_values_open_with_the_matching_secret_key() {
        let (secret_key, public_key) = keypair();
        let value = SecretString::from("eyJhbGciOi.secret-token");
        let sealed = public_key.seal("MOOGO_CACHED_TOKEN", &value).unwrap();
        let opened = secret_key.unseal(&BASE64.decode(&sealed).unwrap()).unwrap();
        assert_eq!(opened, b"eyJhbGciOi.secret-token");
        assert!(!sealed.contains("secret-token"));
    }

    #[test]
    fn sealing_is_randomised_and_other_keys_cannot_open() {
        let (_, public_key) = keypair();
        let (other_secret_key, _) = keypair();
        let value = SecretString::from("same value");
        let first = public_key.seal("A", &value).unwrap();
        let second = public_key.seal("A", &value).unwrap();
        assert_ne!(first, second);
        assert!(
            other_secret_key
                .unseal(&BASE64.decode(&first).unwrap())
                .is_err()
        );
    }

    #[test]
    fn public_keys_must_be_base64_of_32_bytes() {
        let check = |key: &str, expected: &str| {
            let error = RepositoryPublicKey::new("k1", key).unwrap_err();
            assert_eq!(error.to_string(), expected);
        };
        check(
            "not base64!",
            "invalid repository public key `k1`: expected base64",
        );
        check(
            &BASE64.encode([7u8; 16]),
            "invalid repository public key `k1`: expected 32 bytes, got 16",
        );
    }
}
