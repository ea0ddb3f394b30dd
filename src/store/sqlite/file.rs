//! The store file before SQLite sees it: what a store path may be, making
//! the file (0600) and its folder (0700), and the name SQLite is given.
//!
//! A store path is a plain file path. The bundled SQLite is built with
//! `SQLITE_USE_URI`, so a name that starts with `file:` would otherwise be
//! read as a URI whose query (`mode=memory`, `nolock=1`, `vfs=`,
//! `immutable=1`) changes what is opened, and `:memory:` or an empty name
//! would be a database that keeps nothing. SQLite is therefore always
//! given an absolute name, which never starts with `file:`.

use std::fs::{DirBuilder, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Why `path` cannot be a store path at all, or `None` when it can: what
/// SQLite would take for a database that is not a file. `path` is checked
/// as the user gave it, before any folder is joined to it.
pub(crate) fn unusable(path: &Path) -> Option<&'static str> {
    if path.as_os_str().is_empty() {
        Some("is empty: give the path of the store file")
    } else if path.as_os_str() == ":memory:" {
        Some(
            "is SQLite's in-memory database, which keeps nothing: give the path of a file (./:memory: for a file of that name)",
        )
    } else {
        None
    }
}

/// Creates the store's folder (0700) and the file itself (0600) before
/// SQLite sees it, so the file never exists with wider permissions. SQLite
/// gives the `-wal` and `-shm` files the database file's permissions.
pub(super) fn prepare(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::Store {
                path: path.to_path_buf(),
                message: format!(
                    "cannot create its folder {}: {}",
                    dir.display(),
                    crate::text::io_reason(&e)
                ),
            })?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Store {
            path: path.to_path_buf(),
            message: format!("cannot create it: {}", crate::text::io_reason(&e)),
        }),
    }
}

/// The refusal to make a store where a command expected one: a mistyped
/// `--db` must not leave a new empty store (and its folder) behind.
pub(super) fn ensure_exists(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(not_a_file(path)),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::NoStore {
            path: path.to_path_buf(),
            reason: "does not exist".into(),
        }),
        Err(e) => Err(Error::Store {
            path: path.to_path_buf(),
            message: crate::text::io_reason(&e),
        }),
    }
}

fn not_a_file(path: &Path) -> Error {
    Error::NoStore {
        path: path.to_path_buf(),
        reason: "is not a file".into(),
    }
}

/// The name SQLite opens `path` by: its folder resolved to the real, absolute
/// one, and the file name as it is. Absolute, it never starts with `file:`,
/// so SQLite never reads it as a URI, and messages keep the path as given.
pub(super) fn sqlite_name(path: &Path) -> Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| not_a_file(path))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let real = std::fs::canonicalize(dir).map_err(|e| Error::Store {
        path: path.to_path_buf(),
        message: format!(
            "cannot resolve its folder {}: {}",
            dir.display(),
            crate::text::io_reason(&e)
        ),
    })?;
    Ok(real.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_empty_path_and_memory_are_unusable() {
        assert!(unusable(Path::new("")).is_some());
        assert!(unusable(Path::new(":memory:")).is_some());
        for fine in ["./:memory:", ":memory:x", "file:k.db?mode=memory", "k.db"] {
            assert!(unusable(Path::new(fine)).is_none(), "{fine}");
        }
    }

    #[test]
    fn sqlite_is_given_an_absolute_name_with_the_file_name_as_typed() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("via")).unwrap();
        let typed = dir.path().join("via").join("file:k.db?nolock=1");
        assert_eq!(
            sqlite_name(&typed).unwrap(),
            real.join("file:k.db?nolock=1")
        );
        let bare = sqlite_name(Path::new("file:k.db?mode=memory")).unwrap();
        assert!(bare.is_absolute(), "{}", bare.display());
        assert!(bare.ends_with("file:k.db?mode=memory"));
        assert!(sqlite_name(Path::new("/")).is_err());
    }
}
