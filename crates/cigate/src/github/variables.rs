//! Repository Actions variables: the `github_variable` store of the cooldown marker.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::error::Area;
use super::{GitHub, Result, validate_name};

/// The Actions variables of the client's repository; get one from [`GitHub::variables`].
///
/// Reading and writing needs the "Variables" repository permission, which `GITHUB_TOKEN` does
/// not have: use a personal access token.
/// Names follow GitHub's rules (letters, digits and `_`, no leading digit, no `GITHUB_` prefix)
/// and are checked before any request is sent.
#[derive(Clone, Copy, Debug)]
pub struct Variables<'a> {
    github: &'a GitHub,
}

impl<'a> Variables<'a> {
    pub(super) fn new(github: &'a GitHub) -> Self {
        Variables { github }
    }

    /// Reads variable `name`, or `None` when it does not exist.
    ///
    /// Sends `GET /repos/{owner}/{repo}/actions/variables/{name}`.
    ///
    /// # Errors
    ///
    /// [`super::Error::InvalidName`] for a name GitHub would reject, [`super::Error::Status`]
    /// when GitHub refuses (with a hint naming the permission), [`super::Error::Transport`] or
    /// [`super::Error::Decode`].
    pub async fn get(&self, name: &str) -> Result<Option<String>> {
        #[derive(Deserialize)]
        struct VariableWire {
            value: String,
        }

        validate_name("variable", name)?;
        let answer = self
            .github
            .send(
                Area::Variables,
                Method::GET,
                &["actions", "variables", name],
                &[],
                None,
            )
            .await?;
        if answer.status == 404 {
            return Ok(None);
        }
        let variable: VariableWire = answer.json()?;
        Ok(Some(variable.value))
    }

    /// Creates variable `name` with `value`; GitHub answers 409 or 422 if it already exists.
    ///
    /// Sends `POST /repos/{owner}/{repo}/actions/variables` with `{"name", "value"}`.
    ///
    /// # Errors
    ///
    /// As for [`Variables::get`].
    pub async fn create(&self, name: &str, value: &str) -> Result<()> {
        validate_name("variable", name)?;
        self.github
            .send(
                Area::Variables,
                Method::POST,
                &["actions", "variables"],
                &[],
                Some(json!({ "name": name, "value": value })),
            )
            .await?
            .success()?;
        Ok(())
    }

    /// Changes the value of the existing variable `name`; GitHub answers 404 if it does not exist.
    ///
    /// Sends `PATCH /repos/{owner}/{repo}/actions/variables/{name}` with `{"name", "value"}`.
    ///
    /// # Errors
    ///
    /// As for [`Variables::get`].
    pub async fn update(&self, name: &str, value: &str) -> Result<()> {
        validate_name("variable", name)?;
        self.github
            .send(
                Area::Variables,
                Method::PATCH,
                &["actions", "variables", name],
                &[],
                Some(json!({ "name": name, "value": value })),
            )
            .await?
            .success()?;
        Ok(())
    }

    /// Sets variable `name` to `value`, creating it if needed: an update, then a create when
    /// the update finds no variable.
    ///
    /// # Errors
    ///
    /// As for [`Variables::get`].
    pub async fn set(&self, name: &str, value: &str) -> Result<()> {
        match self.update(name, value).await {
            Err(error) if error.is_not_found() => self.create(name, value).await,
            other => other,
        }
    }

    /// Deletes variable `name`; returns whether it existed (a missing variable is not an error).
    ///
    /// Sends `DELETE /repos/{owner}/{repo}/actions/variables/{name}`.
    ///
    /// # Errors
    ///
    /// As for [`Variables::get`].
    pub async fn delete(&self, name: &str) -> Result<bool> {
        validate_name("variable", name)?;
        let answer = self
            .github
            .send(
                Area::Variables,
                Method::DELETE,
                &["actions", "variables", name],
                &[],
                None,
            )
            .await?;
        if answer.status == 404 {
            return Ok(false);
        }
        answer.success()?;
        Ok(true)
    }
}
