//! User-supplied text: made safe to show (control characters and terminal
//! escape sequences are printed as escapes, never sent raw to a terminal),
//! and free-text notes kept within bounds.

use crate::error::{Error, Result};

/// The longest note or reason the store keeps.
pub const MAX_NOTE_CHARS: usize = 500;

/// `text` with every control character (C0, DEL, C1) and Unicode bidi or
/// line-separator control written as a `\u{…}` escape.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// How an error message quotes what the user typed: [`printable`], cut to
/// its first 80 characters so a pasted megabyte stays one short line, and
/// with anything shaped like a secret cut short ([`hide_secrets`]), so a
/// key pasted into the wrong place does not reach a log.
pub fn quoted(text: &str) -> String {
    const MAX: usize = 80;
    // Hidden before the cut, so that a secret across the 80th character is
    // not left as a fragment too short to be known as one.
    let text = hide_secrets(text);
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", printable(&text[..cut])),
        None => printable(&text),
    }
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A free-text note or reason: empty means none; longer than
/// [`MAX_NOTE_CHARS`] is invalid. Control characters are kept as typed and
/// escaped whenever shown.
pub fn note(what: &str, text: Option<&str>) -> Result<Option<String>> {
    match text {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > MAX_NOTE_CHARS => Err(Error::invalid(format!(
            "{what} is too long: at most {MAX_NOTE_CHARS} characters"
        ))),
        Some(t) => Ok(Some(t.to_owned())),
    }
}

/// An operating-system error in the words people know from other tools:
/// "no such file or directory", "permission denied", "read-only file
/// system", rather than Rust's "entity not found" or "Permission denied (os
/// error 13)".
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" (os error ") {
        Some(cut) if error.raw_os_error().is_some() => &text[..cut],
        _ => &text,
    };
    lowercase_first(text)
}

/// `text` with everything that starts like a secret (`ak_` and letters or
/// digits) cut to its first 6 characters, as elsewhere in errors: for
/// messages that quote input apikey did not parse itself, such as clap's
/// "unexpected argument 'ak_…'".
pub fn hide_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(crate::secret::PREFIX) {
        out.push_str(&rest[..at]);
        let token = &rest[at..];
        let body = token[crate::secret::PREFIX.len()..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(token.len() - crate::secret::PREFIX.len());
        let len = crate::secret::PREFIX.len() + body;
        if len > 6 {
            out.push_str(&token[..6]);
            out.push('…');
        } else {
            out.push_str(&token[..len]);
        }
        rest = &token[len..];
    }
    out.push_str(rest);
    hide_bare_bodies(&out)
}

/// `text` with every run of letters and digits that is a secret's body
/// without its prefix ([`crate::secret::is_bare_body`]) cut to its first 3
/// characters, as many as a cut `ak_…` shows.
fn hide_bare_bodies(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric()) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let len = run
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(run.len());
        if crate::secret::is_bare_body(&run[..len]) {
            out.push_str(&run[..3]);
            out.push('…');
        } else {
            out.push_str(&run[..len]);
        }
        rest = &run[len..];
    }
    out.push_str(rest);
    out
}

/// The first 6 characters of text that was meant as a secret but is not a
/// well-formed one (a typo may sit anywhere in it, so nothing after them is
/// shown).
pub fn secret_head(text: &str) -> String {
    let head: String = text.chars().take(6).collect();
    if text.chars().count() > 6 {
        format!("{head}…")
    } else {
        head
    }
}

/// A message from the TOML parser in the words of the file's author rather
/// than Rust's: "expected a whole number", not "expected i64".
pub fn toml_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u32", "expected a whole number"),
        (
            "expected a sequence",
            "expected a list, like [\"a\", \"b\"]",
        ),
        ("expected a boolean", "expected true or false"),
    ];
    let mut text = one_line(message);
    for (rust, people) in WORDS {
        text = text.replace(rust, people);
    }
    text
}

/// `n` with its thousands set apart, as people read counts: `10,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `text` with every run of white space (newlines included) as one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` with its first letter in lower case (messages continue a sentence).
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `file:line:column` of a byte offset into `text`, for errors in files the
/// user wrote (config, manifests). Without a span, just the file.
#[cfg(feature = "cli")]
pub fn position(
    origin: &std::path::Path,
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> String {
    match span {
        Some(span) => Lines::new(text).position(origin, span.start),
        None => origin.display().to_string(),
    }
}

/// Where each line of a text starts, so that many positions in one large
/// file (a manifest of 100,000 keys places each of them) cost a binary
/// search each rather than a scan from the top.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// Indexes `text`.
    pub fn new(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// `file:line:column` of the byte `offset` (columns count characters).
    #[cfg(feature = "cli")]
    pub fn position(&self, origin: &std::path::Path, offset: usize) -> String {
        format!("{}:{}", origin.display(), self.place(offset))
    }

    /// The line and column of the byte `offset`.
    pub fn place(&self, offset: usize) -> Place {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Place {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

/// A line and column in a file the user wrote, both from 1; shown as
/// `line:column` after the file's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// The line.
    pub line: u32,
    /// The column, in characters.
    pub column: u32,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_set_their_thousands_apart() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (10_000_000, "10,000,000"),
        ] {
            assert_eq!(thousands(n), text);
        }
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(printable("tab\tnl\n"), "tab\\u{9}nl\\u{a}");
        assert_eq!(printable("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(printable("plain é ✓"), "plain é ✓");
    }

    #[test]
    fn quotes_are_short_and_printable() {
        assert_eq!(quoted("web"), "web");
        assert_eq!(quoted(&"x".repeat(80)), "x".repeat(80));
        assert_eq!(quoted(&"é".repeat(1000)), format!("{}…", "é".repeat(80)));
        assert_eq!(quoted("\u{1b}[2J"), "\\u{1b}[2J");
    }

    #[test]
    fn one_index_places_every_offset_of_a_text() {
        let lines = Lines::new("ab\né✓x\n\nz");
        let at = |offset| lines.place(offset).to_string();
        assert_eq!(at(0), "1:1");
        assert_eq!(at(2), "1:3", "the newline ends line 1");
        assert_eq!(at(3), "2:1");
        assert_eq!(at(8), "2:3", "columns count characters, not bytes");
        assert_eq!(at(10), "3:1");
        assert_eq!(at(11), "4:1");
        assert_eq!(at(99), "4:2", "past the end: the end");
    }

    #[test]
    #[cfg(feature = "cli")]
    fn positions_count_lines_and_columns_from_one() {
        let p = std::path::Path::new("m.toml");
        assert_eq!(position(p, "ab\ncd", Some(4..5)), "m.toml:2:2");
        assert_eq!(position(p, "ab", Some(0..1)), "m.toml:1:1");
        assert_eq!(position(p, "ab", None), "m.toml");
    }

    #[test]
    fn os_errors_read_as_other_tools_say_them() {
        use std::io::Error;
        assert_eq!(
            io_reason(&Error::from_raw_os_error(2)),
            "no such file or directory"
        );
        assert_eq!(
            io_reason(&Error::from_raw_os_error(13)),
            "permission denied"
        );
        assert_eq!(
            io_reason(&Error::from_raw_os_error(30)),
            "read-only file system"
        );
        assert_eq!(
            io_reason(&Error::from_raw_os_error(28)),
            "no space left on device"
        );
        assert_eq!(io_reason(&Error::other("Bad thing")), "bad thing");
        let missing = std::fs::read("/nonexistent/apikey/x").unwrap_err();
        assert_eq!(io_reason(&missing), "no such file or directory");
    }

    #[test]
    fn secrets_in_quoted_input_are_cut() {
        let secret = "ak_jHPcXw2kL9mQ4rT8vB1nZ5sD7fG3";
        assert_eq!(
            hide_secrets(&format!("unexpected argument '{secret}' found")),
            "unexpected argument 'ak_jHP…' found"
        );
        assert_eq!(hide_secrets("ak_ab and ak_"), "ak_ab and ak_");
        assert_eq!(hide_secrets("plain"), "plain");
        let real = crate::secret::Secret::generate().unwrap();
        let body = &real.expose()[3..];
        assert_eq!(
            hide_secrets(&format!("key '{body}' not found")),
            format!("key '{}…' not found", &body[..3])
        );
        let long = format!("{} {body}", "x".repeat(70));
        assert!(!quoted(&long).contains(&body[3..9]), "{}", quoted(&long));
        // The last character changed (to one it is not): the checksum fails.
        let other = if body.ends_with('x') { 'y' } else { 'x' };
        let typo = format!("{}{other}", &body[..27]);
        assert_eq!(hide_secrets(&typo), typo, "not a body: its checksum fails");
    }

    #[test]
    fn notes() {
        assert_eq!(note("note", Some("")).unwrap(), None);
        assert_eq!(note("note", Some("hi")).unwrap().as_deref(), Some("hi"));
        assert!(note("note", Some(&"x".repeat(501))).is_err());
    }
}
