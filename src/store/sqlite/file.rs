//! The store file before SQLite sees it: making the file (0600) and its
//! folder (0700), and refusing to make one where a store was expected.

use std::fs::{DirBuilder, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use crate::error::{Error, Result};

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
        Ok(_) => Err(Error::NoStore {
            path: path.to_path_buf(),
            reason: "is not a file".into(),
        }),
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
