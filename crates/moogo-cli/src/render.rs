//! Writing documents to stdout: aligned tables and field lists for people,
//! one JSON document for programs.
//!
//! Commands build a document from [`crate::view`] and hand it to an [`Output`];
//! only this module decides what the bytes look like.

use std::io::{self, Write};

use serde::Serialize;

/// A document a command prints: serializable for `--json`, and writable for people.
pub trait Human {
    /// Writes the human form of the document.
    ///
    /// # Errors
    ///
    /// The writer failed.
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()>;
}

/// Where command results go, and in which form.
pub struct Output<'a> {
    writer: &'a mut dyn Write,
    json: bool,
}

impl<'a> Output<'a> {
    /// An output writing to `writer`, as JSON when `json` is set.
    pub fn new(writer: &'a mut dyn Write, json: bool) -> Self {
        Self { writer, json }
    }

    /// Writes one document: pretty JSON followed by a newline, or the human form.
    ///
    /// # Errors
    ///
    /// The writer failed.
    pub fn emit<D: Serialize + Human>(&mut self, document: &D) -> io::Result<()> {
        if self.json {
            serde_json::to_writer_pretty(&mut *self.writer, document)?;
            self.writer.write_all(b"\n")?;
        } else {
            document.write_human(self.writer)?;
        }
        self.writer.flush()
    }
}

/// A table with a header row; columns are left-aligned and padded to the widest cell.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column headers.
    pub fn new(headers: impl IntoIterator<Item = &'static str>) -> Self {
        Self {
            headers: headers.into_iter().collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; missing cells are blank, extra cells are dropped.
    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        let mut cells: Vec<String> = cells.into_iter().take(self.headers.len()).collect();
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// Writes the table, two spaces between columns, no trailing spaces.
    ///
    /// # Errors
    ///
    /// The writer failed.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|column| {
                self.rows
                    .iter()
                    .map(|row| row[column].chars().count())
                    .chain([self.headers[column].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let header: Vec<String> = self
            .headers
            .iter()
            .map(|header| (*header).to_owned())
            .collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::new();
            for (column, cell) in row.iter().enumerate() {
                if column > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                let padding = widths[column].saturating_sub(cell.chars().count());
                line.extend(std::iter::repeat_n(' ', padding));
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// A list of `label: value` lines with the values aligned.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pairs: Vec<(String, String)>,
}

impl Fields {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a field.
    pub fn field(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.pairs.push((label.into(), value.into()));
        self
    }

    /// Appends a field whose value may be unknown; unknown shows as `-`.
    pub fn optional<T: ToString>(
        &mut self,
        label: impl Into<String>,
        value: Option<T>,
    ) -> &mut Self {
        let value = value.map_or_else(|| "-".to_owned(), |value| value.to_string());
        self.field(label, value)
    }

    /// Writes one `label:  value` line per field.
    ///
    /// # Errors
    ///
    /// The writer failed.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let width = self
            .pairs
            .iter()
            .map(|(label, _)| label.chars().count())
            .max()
            .unwrap_or(0);
        for (label, value) in &self.pairs {
            let padding = width - label.chars().count();
            writeln!(out, "{label}:{}  {value}", " ".repeat(padding))?;
        }
        Ok(())
    }
}

/// Formats a time for people: UTC, to the second, such as `2026-07-01 18:30:00 UTC`.
pub fn time(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Formats a number of seconds for people: `45s`, `2m`, `1m 30s`, `1h`.
pub fn seconds(total: u64) -> String {
    humantime::format_duration(std::time::Duration::from_secs(total)).to_string()
}

/// Formats a yes/no flag for people.
pub fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut buffer = Vec::new();
        write(&mut buffer).expect("writing to a Vec cannot fail");
        String::from_utf8(buffer).expect("the renderer writes UTF-8")
    }

    #[test]
    fn table_aligns_columns_without_trailing_spaces() {
        let mut table = Table::new(["NAME", "ID", "NOTE"]);
        table.row(["Backyard".into(), "d1".into(), String::new()]);
        table.row(["Zoë".into(), "device-22".into(), "x".into()]);
        table.row(["short".into()]);
        let expected = "NAME      ID         NOTE\nBackyard  d1\nZoë       device-22  x\nshort\n";
        assert_eq!(text(|out| table.write_to(out)), expected);
    }

    #[test]
    fn fields_align_values() {
        let mut fields = Fields::new();
        fields
            .field("name", "Patio")
            .optional("temperature", Some(22.5))
            .optional::<u8>("rssi", None);
        let expected = "name:         Patio\ntemperature:  22.5\nrssi:         -\n";
        assert_eq!(text(|out| fields.write_to(out)), expected);
    }

    #[test]
    fn human_formats() {
        assert_eq!(seconds(90), "1m 30s");
        assert_eq!(seconds(3600), "1h");
        let at: jiff::Timestamp = "2026-07-01T18:30:00Z".parse().expect("valid timestamp");
        assert_eq!(time(at), "2026-07-01 18:30:00 UTC");
    }
}
