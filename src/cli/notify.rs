//! `apikey notify …`: a key's notification list and threshold, the outbox,
//! and delivery over SMTP.

use super::args::NotifyCommand;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::{Error, Result};
use crate::notify::delivery;
use crate::notify::event::Event;
use crate::notify::smtp::Mailer;
use crate::notify::{self, Email};
use crate::store::Access;
use crate::store::NotifyChange;

/// Runs one of the notify subcommands.
pub fn run(command: &NotifyCommand, ctx: &mut Context) -> Result<Report> {
    let change = |key: &str, change: NotifyChange<'_>, ctx: &mut Context| -> Result<Report> {
        let account = ctx.account()?;
        let key = key_ref(key)?;
        let threshold = matches!(change, NotifyChange::Threshold(_));
        let key = ctx
            .store(Access::Write)?
            .update_notify(&account, &key, &change)?;
        Ok(Report::NotifyList { key, threshold })
    };
    match command {
        NotifyCommand::Add { key, emails } => {
            let emails = parse_emails(emails)?;
            change(key, NotifyChange::Add(&emails), ctx)
        }
        NotifyCommand::Remove { key, emails } => {
            let emails = parse_emails(emails)?;
            change(key, NotifyChange::Remove(&emails), ctx)
        }
        NotifyCommand::Threshold { key, threshold } => {
            let threshold = notify::parse_threshold(threshold)?;
            change(key, NotifyChange::Threshold(threshold), ctx)
        }
        NotifyCommand::List { key } => {
            let account = ctx.account()?;
            let key = key_ref(key)?;
            Ok(Report::NotifyList {
                key: ctx.store(Access::Read)?.key(&account, &key)?,
                threshold: false,
            })
        }
        NotifyCommand::Outbox { all } => Ok(Report::Outbox(ctx.store(Access::Read)?.outbox(*all)?)),
        NotifyCommand::Send => {
            let config = ctx.smtp().ok_or_else(|| {
                Error::Config(format!(
                    "no [smtp] section in the config file {}: add one with host, port, from and tls (see `man apikey`)",
                    ctx.config_path().display()
                ))
            })?;
            let mut mailer = Mailer::new(config)?;
            let report = ctx.store(Access::Write)?.send_pending(&mut mailer)?;
            mailer.finish();
            Ok(Report::Sent(report))
        }
        NotifyCommand::Retry { id } => {
            let event = ctx.store(Access::Write)?.retry_event(*id)?;
            Ok(Report::EventChanged {
                message: format!(
                    "Event {id} is pending again: `apikey notify send` delivers it to {}.",
                    pending_list(&event)
                ),
                event,
            })
        }
        NotifyCommand::Discard { id } => {
            let event = ctx.store(Access::Write)?.discard_event(*id)?;
            Ok(Report::EventChanged {
                message: format!("Discarded event {id}: it is never sent."),
                event,
            })
        }
    }
}

fn pending_list(event: &Event) -> String {
    delivery::pending_recipients(event).join(", ")
}

fn parse_emails(emails: &[String]) -> Result<Vec<Email>> {
    emails.iter().map(|e| Email::parse(e)).collect()
}
