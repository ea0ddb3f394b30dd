//! Giving a store file's free space back to the file system, after an
//! upgrade freed most of it: migration 9 drops a ledger of a row per spend,
//! which could be gigabytes. The store itself never frees that much.

use std::time::Instant;

use rusqlite::Connection;
use rusqlite::wal::CheckpointMode;

use crate::store::Upgrading;

/// Free space past which it is given back: more than half the file, and
/// more than this.
const GIVEN_BACK_BYTES: i64 = 16 << 20;

/// Rewrites the file without its free pages (`VACUUM`, atomic like any
/// transaction) when more than half of it, and more than 16 MiB, is free.
/// Best effort: a failure (another writer in the way past the busy
/// timeout, no room for the copy) is said to `progress` and leaves the
/// store as it was, reusing its free pages as it grows.
pub(super) fn give_back_free_space(conn: &Connection, progress: &mut dyn FnMut(&Upgrading)) {
    let Ok((free, pages, page_size)) = conn.query_row(
        "SELECT (SELECT freelist_count FROM pragma_freelist_count),
                (SELECT page_count FROM pragma_page_count),
                (SELECT page_size FROM pragma_page_size)",
        [],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    ) else {
        return;
    };
    let free_bytes = free.saturating_mul(page_size);
    if free_bytes <= GIVEN_BACK_BYTES || free.saturating_mul(2) <= pages {
        return;
    }
    let began = Instant::now();
    progress(&Upgrading::GivingBackSpace {
        bytes: free_bytes.unsigned_abs(),
    });
    if let Err(e) = conn.execute_batch("VACUUM") {
        progress(&Upgrading::SpaceKept {
            why: crate::text::one_line(&e.to_string()),
        });
        return;
    }
    // The rewritten pages are in the log: copy what no reader still needs
    // (all of it, with none) without waiting, which also cuts the file.
    let _ = conn.wal_checkpoint_v2(Some(rusqlite::MAIN_DB), CheckpointMode::PASSIVE);
    progress(&Upgrading::GaveBackSpace {
        size: std::fs::metadata(conn.path().unwrap_or_default()).map_or(0, |m| m.len()),
        elapsed: began.elapsed(),
    });
}
