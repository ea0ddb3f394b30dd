//! Checkpoints beside the writer. SQLite folds its log into the database
//! (a checkpoint) on the commit that grows the log past 1,000 pages, so
//! one batch in every few hundred waits for it. `serve`'s writer instead
//! only notes that the log is due, and a thread of its own, on a second
//! connection, does the work.

use std::ffi::c_int;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, MAIN_DB};

use crate::store::backend::Upkeep;

/// Pages in the log at which the writer asks for a checkpoint: SQLite's
/// own default.
const CHECKPOINT_PAGES: c_int = 1000;

/// Pages in the log at which the checkpoint makes the writer start the
/// log over.
const RESTART_PAGES: c_int = 4 * CHECKPOINT_PAGES;

/// The longest a RESTART checkpoint waits, for the write lock and then for
/// readers: what it may add to the latency of the writer's next batch.
const RESTART_PATIENCE: Duration = Duration::from_millis(25);

/// The checkpointing end: a connection of its own, and the writer's calls.
pub(super) struct Checkpoints {
    conn: Connection,
    due: Receiver<()>,
    /// Pages in the log at which the next RESTART is tried: pushed on
    /// after one gives up (a reader still in the log), so that a long
    /// read does not hold the writer up again at every commit.
    restart_at: c_int,
}

/// Makes `writer`'s commits call for a checkpoint instead of running one
/// (a hook of SQLite's replaces its automatic checkpoint), to be run on
/// `checkpointer`, another connection to the same file.
pub(super) fn offload(
    writer: &mut Connection,
    checkpointer: Connection,
) -> rusqlite::Result<Checkpoints> {
    // RESTART holds the write lock while it waits for readers to leave the
    // log; another process's long read (a listing, a backup) must not hold
    // the writer up for the store's whole lock wait. Past this, the
    // checkpoint gives up and the next call tries again.
    checkpointer.busy_timeout(RESTART_PATIENCE)?;
    // One pending call is enough: a checkpoint copies what is there.
    let (call, due) = mpsc::sync_channel(1);
    writer.wal_hook(Some(move |_: &mut Wal, pages: c_int| {
        if pages >= CHECKPOINT_PAGES {
            let _ = call.try_send(());
        }
        Ok(())
    }))?;
    Ok(Checkpoints {
        conn: checkpointer,
        due,
        restart_at: RESTART_PAGES,
    })
}

impl Upkeep for Checkpoints {
    fn next(&mut self) -> bool {
        if self.due.recv().is_err() {
            return false;
        }
        // PASSIVE copies what no reader still needs and never waits for a
        // lock, so neither the writer nor a reader waits for it. A failure
        // (another process checkpointing, a full disk) leaves the log as
        // it was: the next commit calls again, and any connection that
        // closes last folds the log in.
        let passive = self
            .conn
            .wal_checkpoint_v2(Some(MAIN_DB), CheckpointMode::PASSIVE);
        // The log starts over only when a write begins after everything
        // in it was copied; a writer that never pauses always begins
        // before the copy ends. Once the log is that far behind, RESTART
        // holds writes back while it copies the last commits (a few
        // pages) and waits for readers to leave the log, so the next write
        // starts it over.
        if let Ok((frames, _)) = passive
            && frames >= self.restart_at
        {
            let restart = self
                .conn
                .wal_checkpoint_v2(Some(MAIN_DB), CheckpointMode::RESTART);
            self.restart_at = if restart.is_ok() {
                RESTART_PAGES
            } else {
                frames.saturating_add(RESTART_PAGES)
            };
        }
        true
    }
}
