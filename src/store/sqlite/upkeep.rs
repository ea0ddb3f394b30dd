//! Checkpoints beside the writer. SQLite folds its log into the database
//! (a checkpoint) on the commit that grows the log past 1,000 pages, so
//! one batch in every few hundred waits for the copy. `serve`'s writer
//! instead calls a thread of its own, on a second connection, to copy the
//! log while the writer goes on.
//!
//! The log starts over only when a write begins after everything in it
//! was copied, and a writer that never pauses always begins its next batch
//! before such a copy ends. So once the log passes 4,000 pages, the
//! writer's commit also checkpoints itself, as SQLite would: by then the
//! thread has copied nearly everything, so this copies only the last
//! commits' pages, and the next write starts the log over (unless another
//! process is still reading from it).

use std::ffi::c_int;
use std::sync::mpsc::{self, Receiver, TrySendError};

use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, MAIN_DB};

use crate::store::backend::Upkeep;

/// Pages in the log at which the writer calls for a checkpoint: SQLite's
/// own default.
const CHECKPOINT_PAGES: c_int = 1000;

/// Pages in the log at which the writer's commit checkpoints itself, so
/// that the log starts over.
const RESTART_PAGES: c_int = 4 * CHECKPOINT_PAGES;

/// The checkpointing end: a connection of its own, and the writer's calls.
pub(super) struct Checkpoints {
    conn: Connection,
    due: Receiver<()>,
}

/// Makes `writer`'s commits call for checkpoints (a hook of SQLite's
/// replaces its automatic checkpoint), run on `checkpointer`, another
/// connection to the same file; past [`RESTART_PAGES`], or when the
/// checkpointing end is gone, the commit checkpoints itself.
pub(super) fn offload(
    writer: &mut Connection,
    checkpointer: Connection,
) -> rusqlite::Result<Checkpoints> {
    // One pending call is enough: a checkpoint copies what is there.
    let (call, due) = mpsc::sync_channel(1);
    writer.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
        if pages < CHECKPOINT_PAGES {
            return Ok(());
        }
        // Past RESTART_PAGES the thread is no longer called, so that its
        // copy in progress ends and this one can run.
        let gone = pages < RESTART_PAGES
            && matches!(call.try_send(()), Err(TrySendError::Disconnected(())));
        if pages >= RESTART_PAGES || gone {
            // PASSIVE: never waits for a lock. Busy (the thread is
            // copying) or failed, the next commit tries again; the
            // commit itself has succeeded either way.
            let _ = wal.checkpoint_v2(CheckpointMode::PASSIVE);
        }
        Ok(())
    }))?;
    Ok(Checkpoints {
        conn: checkpointer,
        due,
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
        // it was: the next commit calls again.
        let _ = self
            .conn
            .wal_checkpoint_v2(Some(MAIN_DB), CheckpointMode::PASSIVE);
        true
    }
}
