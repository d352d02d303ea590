//! The facts the checks take from the root `Cargo.toml`.

use std::path::Path;

use crate::Error;

/// The MSRV: `workspace.package.rust-version` (or `package.rust-version`) of the manifest at `path`.
pub fn rust_version(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let manifest: toml::Table = text.parse().map_err(|source| Error::Toml {
        path: path.to_path_buf(),
        source,
    })?;
    let declared = |section: &str| {
        let mut value = manifest.get(section)?;
        if section == "workspace" {
            value = value.get("package")?;
        }
        value.get("rust-version")?.as_str().map(str::to_owned)
    };
    declared("workspace")
        .or_else(|| declared("package"))
        .ok_or_else(|| Error::MissingRustVersion {
            path: path.to_path_buf(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_text(text: &str) -> Result<String, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        std::fs::write(&path, text).unwrap();
        rust_version(&path)
    }

    #[test]
    fn reads_the_workspace_msrv() {
        let msrv = from_text("[workspace.package]\nrust-version = \"1.89\"\n").unwrap();
        assert_eq!(msrv, "1.89");
    }

    #[test]
    fn reads_a_package_msrv() {
        let msrv = from_text("[package]\nname = \"x\"\nrust-version = \"1.85.1\"\n").unwrap();
        assert_eq!(msrv, "1.85.1");
    }

    #[test]
    fn a_manifest_without_msrv_is_an_error_saying_where_to_declare_it() {
        let error = from_text("[workspace]\nmembers = []\n").unwrap_err();
        assert!(matches!(error, Error::MissingRustVersion { .. }));
        assert!(error.to_string().contains("workspace.package.rust-version"));
    }

    #[test]
    fn the_real_manifest_declares_one() {
        let msrv = rust_version(&crate::project_root().join("Cargo.toml")).unwrap();
        assert!(msrv.starts_with("1."), "{msrv}");
    }
}
