//! The optional config file (TOML). It supplies defaults that flags and
//! environment variables override; a missing file at the default location
//! is fine, a missing file the user named is not.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The settings a config file may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The store file; relative paths are relative to the config file.
    pub db: Option<PathBuf>,
    /// The account commands act on.
    pub account: Option<String>,
    /// `auto`, `always` or `never`.
    pub color: Option<ColorMode>,
    /// How long to wait for another process's lock, in milliseconds.
    pub busy_timeout_ms: Option<u64>,
    /// Where `notify send` delivers mail.
    pub smtp: Option<crate::notify::smtp::SmtpConfig>,
    /// How `serve` listens.
    pub serve: Option<ServeConfig>,
    /// Defaults for balances.
    pub balance: Option<BalanceConfig>,
    /// What the user should hear about the file itself, one line each (not
    /// a setting): a file others can write can point apikey at another
    /// store, or send the SMTP password to another server.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// The `[serve]` section: defaults for `apikey serve`'s flags.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// `--listen`.
    pub listen: Option<String>,
    /// `--trust-proxy`, every range.
    pub trust_proxy: Option<Vec<String>>,
    /// `--full-status`.
    pub full_status: Option<bool>,
    /// `--max-connections`.
    pub max_connections: Option<u64>,
}

/// The `[balance]` section.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceConfig {
    /// When lookups a `topup` adds without `--expires` lapse: a duration
    /// (`365d`, `12mo`) or `never` (the default).
    #[serde(default, deserialize_with = "relative_expiry")]
    pub topup_expires: Option<crate::balance::BatchExpiry>,
}

/// A duration or `never`: a date would soon be past for every later top-up.
fn relative_expiry<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<crate::balance::BatchExpiry>, D::Error> {
    let text = String::deserialize(d)?;
    crate::balance::BatchExpiry::parse_relative(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// When output is colored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// When writing to a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Config {
    /// Reads the config file at `path`. When `required` is false a missing
    /// file gives the defaults.
    pub fn load(path: &Path, required: bool) -> Result<Config> {
        let (text, mode) = match read_with_mode(path) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default());
            }
            // A file the user named that is not there: a mistake in the input.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Config(format!(
                    "cannot read config file {}: {}",
                    path.display(),
                    crate::text::io_reason(&e)
                )));
            }
            // Anything else (permission denied, a HOME that is a file): the
            // file system failed, wherever the path came from.
            Err(e) => {
                return Err(Error::ConfigUnreadable {
                    path: path.to_path_buf(),
                    source: e,
                });
            }
        };
        let mut config = Config::parse(&text, path)?;
        if mode & 0o022 != 0 {
            config.warnings.push(format!(
                "config file {} can be changed by other users (mode {mode:04o}), who could point apikey at another store or mail server: chmod go-w {}",
                path.display(),
                path.display()
            ));
        }
        if let Some(db) = &config.db {
            if let Some(problem) = db_problem(db, &format!("{}: db", path.display())) {
                return Err(Error::Config(problem));
            }
            let db = expand_home(db)?;
            // A relative path is the config file's neighbour; a URL is not
            // a path at all.
            let url = db.to_str().is_some_and(crate::store::is_postgres);
            config.db = Some(match path.parent() {
                Some(dir) if db.is_relative() && !url => dir.join(db),
                _ => db,
            });
        }
        Ok(config)
    }

    /// Parses config text; errors name `origin` with line and column.
    pub fn parse(text: &str, origin: &Path) -> Result<Config> {
        toml::from_str(text).map_err(|e| {
            Error::Config(format!(
                "{}: {}",
                crate::text::position(origin, text, e.span()),
                crate::text::toml_words(e.message())
            ))
        })
    }
}

/// The text of the file at `path` and the mode of the file it was read
/// from (through the same descriptor, so a link or a rename cannot show
/// one file's mode for another's text).
fn read_with_mode(path: &Path) -> std::io::Result<(String, u32)> {
    use std::io::Read as _;
    use std::os::unix::fs::PermissionsExt;
    let mut file = std::fs::File::open(path)?;
    let mode = file.metadata()?.permissions().mode() & 0o7777;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok((text, mode))
}

/// Why `db`, a store path as the user gave it in `source` (`--db`,
/// `APIKEY_DB`, the config file's `db`), cannot name a store file, if it
/// cannot: `:memory:` or an empty path, which SQLite would take for a
/// database that keeps nothing. Any other value is a plain file path, URI
/// look-alikes (`file:k.db?mode=memory`) included.
pub fn db_problem(db: &Path, source: &str) -> Option<String> {
    crate::store::sqlite::unusable(db).map(|why| {
        format!(
            "{source} '{}' {why}",
            crate::text::quoted(&db.to_string_lossy())
        )
    })
}

/// `~` and `~/…` as the shell would expand them, for paths that reach
/// apikey unexpanded (quoted on the command line, from the environment, or
/// from the config file); anything else as it is.
pub fn expand_home(path: &Path) -> Result<PathBuf> {
    let text = path.as_os_str().as_encoded_bytes();
    if text != b"~" && !text.starts_with(b"~/") {
        return Ok(path.to_path_buf());
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Error::Config(format!(
                "cannot expand ~ in {}: HOME is not set; give the full path",
                path.display()
            ))
        })?;
    let rest = path.strip_prefix("~").unwrap_or(Path::new(""));
    Ok(PathBuf::from(home).join(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field() {
        let c = Config::parse(
            "db = \"/tmp/k.db\"\naccount = \"acme\"\ncolor = \"never\"\nbusy_timeout_ms = 500\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(c.account.as_deref(), Some("acme"));
        assert_eq!(c.color, Some(ColorMode::Never));
        assert_eq!(c.busy_timeout_ms, Some(500));
    }

    #[test]
    fn unknown_fields_name_the_line() {
        let err = Config::parse("account = \"a\"\nacount = \"b\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml:2:1: "), "{err}");
        assert!(!err.contains('\n'));
    }

    #[test]
    fn a_missing_default_file_is_fine_a_named_one_is_not() {
        let missing = Path::new("/nonexistent/apikey/config.toml");
        assert!(Config::load(missing, false).is_ok());
        assert!(Config::load(missing, true).is_err());
    }

    #[test]
    fn only_a_leading_tilde_is_home() {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap();
        assert_eq!(expand_home(Path::new("~/k.db")).unwrap(), home.join("k.db"));
        assert_eq!(expand_home(Path::new("~")).unwrap(), home);
        assert_eq!(
            expand_home(Path::new("a/~/k.db")).unwrap(),
            Path::new("a/~/k.db")
        );
        assert_eq!(
            expand_home(Path::new("~bob/k.db")).unwrap(),
            Path::new("~bob/k.db")
        );
    }

    #[test]
    fn memory_or_an_empty_db_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        for (text, says) in [
            ("db = \":memory:\"\n", "in-memory"),
            ("db = \"\"\n", "empty"),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Config::load(&path, true).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let err = err.to_string();
            assert!(
                err.contains("config.toml: db ''") || err.contains("config.toml: db ':memory:'"),
                "{err}"
            );
            assert!(err.contains(says), "{err}");
        }
        std::fs::write(&path, "db = \"file:k.db?mode=memory\"\n").unwrap();
        let c = Config::load(&path, true).unwrap();
        assert_eq!(c.db.unwrap(), dir.path().join("file:k.db?mode=memory"));
    }

    #[test]
    fn a_file_others_can_write_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "account = \"a\"\n").unwrap();
        for (mode, warns) in [(0o600, false), (0o644, false), (0o664, true), (0o646, true)] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let warnings = Config::load(&path, true).unwrap().warnings;
            assert_eq!(warnings.len(), usize::from(warns), "{mode:o}: {warnings:?}");
        }
    }

    #[test]
    fn relative_db_is_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "db = \"keys.db\"\n").unwrap();
        let c = Config::load(&path, true).unwrap();
        assert_eq!(c.db.unwrap(), dir.path().join("keys.db"));
    }
}
