//! A read-only view of a GitHub Actions workflow file, over `serde_yaml::Value`.

use std::path::Path;

use serde_yaml::Value;

use crate::Error;

/// One parsed workflow file.
#[derive(Debug, Clone)]
pub struct Workflow {
    name: String,
    doc: Value,
}

impl Workflow {
    /// Parses `text`; `name` is the file name used in reports.
    pub fn parse(name: &str, text: &str) -> Result<Self, Error> {
        let doc = serde_yaml::from_str(text).map_err(|source| Error::Yaml {
            name: name.to_owned(),
            source,
        })?;
        Ok(Self {
            name: name.to_owned(),
            doc,
        })
    }

    /// Loads every `*.yml` and `*.yaml` file of `dir`, sorted by name.
    pub fn load_dir(dir: &Path) -> Result<Vec<Self>, Error> {
        let read_error = |source| Error::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_error)? {
            let path = entry.map_err(read_error)?.path();
            let is_yaml = path
                .extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml");
            if is_yaml && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        paths.iter().map(|path| Self::load(path)).collect()
    }

    /// Loads one file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy();
        Self::parse(&name, &text)
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A top-level key such as `concurrency` or `permissions`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.doc.get(key)
    }

    /// The `on:` section (a YAML 1.1 reader may have turned the key into `true`; both are accepted).
    pub fn triggers(&self) -> Option<&Value> {
        self.doc
            .get("on")
            .or_else(|| self.doc.get(Value::Bool(true)))
    }

    /// The jobs, in file order.
    pub fn jobs(&self) -> Vec<Job<'_>> {
        let Some(jobs) = self.doc.get("jobs").and_then(Value::as_mapping) else {
            return Vec::new();
        };
        jobs.iter()
            .filter_map(|(id, body)| {
                Some(Job {
                    id: id.as_str()?,
                    body,
                })
            })
            .collect()
    }

    /// The job with this id.
    pub fn job(&self, id: &str) -> Option<Job<'_>> {
        self.jobs().into_iter().find(|job| job.id == id)
    }
}

/// One job of a [`Workflow`].
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    id: &'a str,
    body: &'a Value,
}

impl<'a> Job<'a> {
    /// The job id (the key under `jobs:`).
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// A key of the job, such as `environment` or `outputs`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.body.get(key)
    }

    /// The access `permissions` grants for `scope` (`read`, `write`, `none`), expanding `read-all` /
    /// `write-all`; `None` when the job sets no permissions or does not mention the scope.
    pub fn permission(&self, scope: &str) -> Option<&'a str> {
        match self.get("permissions")? {
            Value::String(all) => all.strip_suffix("-all"),
            map => map.get(scope)?.as_str(),
        }
    }

    /// The jobs listed in `needs` (a string or a list).
    pub fn needs(&self) -> Vec<&'a str> {
        match self.get("needs") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Sequence(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The `if:` condition, when there is one.
    pub fn condition(&self) -> Option<&'a str> {
        self.get("if").and_then(Value::as_str)
    }

    /// The approval environment (`environment: NAME` or `environment: {name: NAME}`).
    pub fn environment(&self) -> Option<&'a str> {
        let environment = self.get("environment")?;
        environment
            .as_str()
            .or_else(|| environment.get("name")?.as_str())
    }

    /// Whether `continue-on-error` is `true` on the job or on one of its steps.
    pub fn continues_on_error(&self) -> bool {
        let set = |value: &Value| value.get("continue-on-error") == Some(&Value::Bool(true));
        set(self.body) || self.steps().into_iter().any(set)
    }

    /// The steps.
    pub fn steps(&self) -> Vec<&'a Value> {
        self.get("steps")
            .and_then(Value::as_sequence)
            .map(|steps| steps.iter().collect())
            .unwrap_or_default()
    }

    /// The `run:` scripts of the steps.
    pub fn scripts(&self) -> Vec<&'a str> {
        self.steps()
            .into_iter()
            .filter_map(|step| step.get("run")?.as_str())
            .collect()
    }

    /// Whether a `run:` script contains `needle`.
    pub fn runs(&self, needle: &str) -> bool {
        self.scripts().iter().any(|script| script.contains(needle))
    }

    /// The steps that use the action `action` (`owner/name`, any version).
    pub fn uses(&self, action: &str) -> Vec<&'a Value> {
        self.steps()
            .into_iter()
            .filter(|step| {
                step.get("uses")
                    .and_then(Value::as_str)
                    .and_then(|uses| uses.split('@').next())
                    == Some(action)
            })
            .collect()
    }

    /// The job as YAML text, to search for expressions such as `secrets.NAME`.
    pub fn text(&self) -> String {
        serde_yaml::to_string(self.body).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNIPPET: &str = r#"
on:
  push:
jobs:
  a:
    permissions: read-all
    needs: b
    environment:
      name: approval
    steps:
      - uses: actions/upload-artifact@v6
      - run: echo one
        continue-on-error: true
  b:
    permissions:
      issues: write
    needs: [a, c]
    if: always()
    environment: plain
"#;

    #[test]
    fn reads_jobs_and_their_keys() {
        let workflow = Workflow::parse("x.yml", SNIPPET).unwrap();
        assert!(workflow.triggers().unwrap().get("push").is_some());
        let ids: Vec<&str> = workflow.jobs().iter().map(|job| job.id()).collect();
        assert_eq!(ids, ["a", "b"]);

        let a = workflow.job("a").unwrap();
        assert_eq!(a.permission("issues"), Some("read"));
        assert_eq!(a.needs(), ["b"]);
        assert_eq!(a.environment(), Some("approval"));
        assert_eq!(a.uses("actions/upload-artifact").len(), 1);
        assert!(a.runs("echo one"));
        assert!(a.continues_on_error());

        let b = workflow.job("b").unwrap();
        assert_eq!(b.permission("issues"), Some("write"));
        assert_eq!(b.permission("contents"), None);
        assert_eq!(b.needs(), ["a", "c"]);
        assert_eq!(b.condition(), Some("always()"));
        assert_eq!(b.environment(), Some("plain"));
        assert!(!b.continues_on_error());
    }

    #[test]
    fn invalid_yaml_is_an_error_naming_the_file() {
        let error = Workflow::parse("bad.yml", "jobs: [unclosed").unwrap_err();
        assert!(
            error.to_string().starts_with("bad.yml is not valid YAML"),
            "{error}"
        );
    }
}
