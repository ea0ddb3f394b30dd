//! Output that must reach its reader before the change it reports is kept.
//! A new secret exists only on stdout: if it cannot be written there (a full
//! disk, a closed pipe, /dev/null), committing would leave a key whose
//! secret nobody has, and for `regenerate` an old secret that stopped
//! working. So `create`, `regenerate` and `apply` write and flush their
//! output inside the store's transaction, and the change commits only after
//! that succeeded.

use std::io::Write;

use super::context::OutputMode;
use super::output::Report;
use crate::error::{Error, Result};

/// Where a command's output goes, and whether it got there.
pub struct Delivery<'o> {
    out: &'o mut dyn Write,
    mode: OutputMode,
    discarded: bool,
    shown: bool,
}

impl<'o> Delivery<'o> {
    /// Output to `out`, printed in `mode`; `discarded` when `out` goes
    /// nowhere (stdout on /dev/null).
    pub fn new(out: &'o mut dyn Write, mode: OutputMode, discarded: bool) -> Delivery<'o> {
        Delivery {
            out,
            mode,
            discarded,
            shown: false,
        }
    }

    /// Writes and flushes what `print` prints; `secret` says whether it
    /// holds a new secret, which stdout on /dev/null would lose. Any
    /// failure, a closed pipe included, is [`Error::NotShown`], which rolls
    /// the change back. The store's write lock is held until the output is
    /// written: a reader that stalls holds up other writers.
    pub fn show(
        &mut self,
        secret: bool,
        print: impl FnOnce(&mut dyn Write, OutputMode) -> std::io::Result<()>,
    ) -> Result<()> {
        if secret && self.discarded {
            return Err(Error::NotShown(std::io::Error::other(
                "stdout is /dev/null or closed, where nobody can read a new secret",
            )));
        }
        print(&mut *self.out, self.mode)
            .and_then(|()| self.out.flush())
            .map_err(Error::NotShown)?;
        self.shown = true;
        Ok(())
    }

    /// The command's outcome. A failure after the output was shown (the
    /// commit itself failed) says that what was shown was not kept.
    pub fn finish<T>(self, result: Result<T>) -> Result<Report> {
        match result {
            Ok(_) => Ok(Report::Shown),
            Err(e) if self.shown => Err(Error::NotKept(Box::new(e))),
            Err(e) => Err(e),
        }
    }
}
