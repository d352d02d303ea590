//! Finding the device a command is about, from an id or a name.
//!
//! An exact id wins; otherwise the name is compared without regard to case.
//! No match lists the available names; several matches ask for the id.

use crate::error::{Error, Result};

/// What the user typed to name a device: an id or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSelector<'a> {
    query: &'a str,
}

impl<'a> DeviceSelector<'a> {
    /// A selector for `query` (surrounding blanks are ignored).
    pub fn new(query: &'a str) -> Self {
        Self {
            query: query.trim(),
        }
    }

    /// Picks the device among `(id, name)` pairs and returns its index.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownDevice`] when nothing matches (listing the names), and
    /// [`Error::AmbiguousDevice`] when several names match (listing their ids).
    pub fn pick<'d>(&self, devices: impl IntoIterator<Item = (&'d str, &'d str)>) -> Result<usize> {
        let devices: Vec<(&str, &str)> = devices.into_iter().collect();
        if let Some(index) = devices.iter().position(|(id, _)| *id == self.query) {
            return Ok(index);
        }
        let matches: Vec<usize> = devices
            .iter()
            .enumerate()
            .filter(|(_, (_, name))| name.trim().to_lowercase() == self.query.to_lowercase())
            .map(|(index, _)| index)
            .collect();
        match matches.as_slice() {
            [index] => Ok(*index),
            [] => Err(Error::UnknownDevice {
                query: self.query.to_owned(),
                available: devices.iter().map(|(_, name)| (*name).to_owned()).collect(),
            }),
            several => Err(Error::AmbiguousDevice {
                query: self.query.to_owned(),
                candidates: several
                    .iter()
                    .map(|index| devices[*index].0.to_owned())
                    .collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICES: [(&str, &str); 4] = [
        ("d-1", "Backyard"),
        ("d-2", "Patio"),
        ("d-3", "Garage"),
        ("d-4", "patio"),
    ];

    fn check(query: &str, expected: &str) {
        let actual = match DeviceSelector::new(query).pick(DEVICES) {
            Ok(index) => DEVICES[index].0.to_owned(),
            Err(error) => error.report(),
        };
        assert_eq!(actual, expected, "query {query:?}");
    }

    #[test]
    fn picks_by_id_then_name() {
        check("d-2", "d-2");
        check("backyard", "d-1");
        check("  GARAGE ", "d-3");
        check(
            "Kitchen",
            "moogo: no device is called `Kitchen`; use an id or one of these names: `Backyard`, `Patio`, `Garage`, `patio`",
        );
        check(
            "PATIO",
            "moogo: `PATIO` names 2 devices; use the id instead: `d-2`, `d-4`",
        );
    }

    #[test]
    fn no_devices_at_all() {
        let error = DeviceSelector::new("Patio").pick([]).unwrap_err();
        assert!(
            error
                .report()
                .ends_with("the account has no devices; add one in the Moogo app")
        );
    }
}
