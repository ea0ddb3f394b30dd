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
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, NotAStore, Result};

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

/// The refusal of a store path that is a symbolic link: following it
/// would make or open a file somewhere else, with whatever permissions
/// that place gives it.
pub(super) fn symlink(path: &Path) -> Error {
    Error::NotAStore {
        path: path.to_path_buf(),
        found: NotAStore::SymbolicLink,
    }
}

/// Creates the store's folder (0700) and the file itself (0600) before
/// SQLite sees it, so the file never exists with wider permissions (SQLite
/// gives the `-wal` and `-shm` files the database file's permissions). A
/// symbolic link at the path is refused, dangling or not: the exclusive,
/// no-follow create never goes through one.
pub(super) fn prepare(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| {
                let message = format!(
                    "cannot create its folder {}: {}",
                    dir.display(),
                    crate::text::io_reason(&e)
                );
                Error::store(path, message, e)
            })?;
    }
    let created = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path);
    match created {
        // The umask may only have taken bits away; put back exactly 0600
        // on the file just made (through its descriptor, not its name).
        Ok(file) => {
            let private = std::fs::Permissions::from_mode(0o600);
            let mode = file.metadata().map(|m| m.permissions().mode() & 0o7777);
            if mode.is_ok_and(|m| m == 0o600) {
                Ok(())
            } else {
                file.set_permissions(private).map_err(|e| {
                    let message = format!("cannot make it private: {}", crate::text::io_reason(&e));
                    Error::store(path, message, e)
                })
            }
        }
        // Something is there already: a store, unless it is a link.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => refuse_symlink(path),
        Err(e) => Err(Error::store(
            path,
            format!("cannot create it: {}", crate::text::io_reason(&e)),
            e,
        )),
    }
}

/// The refusal to make a store where a command expected one: a mistyped
/// `--db` must not leave a new empty store (and its folder) behind. A
/// symbolic link is refused as [`prepare`] refuses it.
pub(super) fn ensure_exists(path: &Path) -> Result<()> {
    refuse_symlink(path)?;
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(not_a_file(path)),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::NoStore {
            path: path.to_path_buf(),
            reason: "does not exist".into(),
        }),
        Err(e) => Err(Error::store(path, crate::text::io_reason(&e), e)),
    }
}

/// Fails when the last component of `path` is a symbolic link.
fn refuse_symlink(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(symlink(path)),
        _ => Ok(()),
    }
}

fn not_a_file(path: &Path) -> Error {
    Error::NoStore {
        path: path.to_path_buf(),
        reason: "is not a file".into(),
    }
}

/// The name SQLite opens `path` by: its folder resolved to the real, absolute
/// one, and the file name as it is. Absolute, it is never read as a URI;
/// free of links in its folders, it lets SQLite open it with
/// `SQLITE_OPEN_NOFOLLOW`, which refuses a link anywhere in the name and so,
/// here, only a link swapped in for the file itself after the checks above.
pub(super) fn sqlite_name(path: &Path) -> Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| not_a_file(path))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let real = std::fs::canonicalize(dir).map_err(|e| {
        let message = format!(
            "cannot resolve its folder {}: {}",
            dir.display(),
            crate::text::io_reason(&e)
        );
        Error::store(path, message, e)
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

    #[test]
    fn a_link_is_refused_dangling_or_not_and_nothing_is_made_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.db");
        let link = dir.path().join("keys.db");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for attempt in [prepare(&link), ensure_exists(&link)] {
            let message = attempt.unwrap_err().to_string();
            assert!(message.contains("symbolic link"), "{message}");
        }
        assert!(!target.exists());
        std::fs::write(&target, "x").unwrap();
        assert!(prepare(&link).is_err() && ensure_exists(&link).is_err());
    }

    #[test]
    fn a_new_file_is_0600_whatever_the_umask_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("keys.db");
        prepare(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        // An existing file is left as it is.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        prepare(&path).unwrap();
        assert_eq!(mode(&path), 0o640);
    }
}
