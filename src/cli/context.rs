//! Resolves the global options into what commands use, with the contract's
//! precedence: flag > environment variable > config file > built-in default.
//! (clap already folds the environment into the flags.)

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use directories::ProjectDirs;

use super::args::{ColorArg, GlobalArgs};
use crate::account::{AccountName, DEFAULT_ACCOUNT};
use crate::config::{ColorMode, Config};
use crate::error::{Error, Result};
use crate::notify::smtp::SmtpConfig;
use crate::store::{Access, Clock, DEFAULT_BUSY_TIMEOUT, Store, Upgrading};

/// How results are printed.
#[derive(Clone, Copy, Debug)]
pub struct OutputMode {
    /// One JSON document on stdout.
    pub json: bool,
    /// Only the essential value.
    pub quiet: bool,
    /// ANSI colors on stdout.
    pub color: bool,
}

/// Everything a command needs besides its own arguments.
pub struct Context {
    db: PathBuf,
    config_path: PathBuf,
    smtp: Option<SmtpConfig>,
    serve: Option<crate::config::ServeConfig>,
    balance: crate::config::BalanceConfig,
    account: String,
    /// Whether the account was named (flag, environment or config) rather
    /// than defaulted: a verifier is scoped only by a named one.
    account_named: bool,
    busy_timeout: Duration,
    clock: Clock,
    yes: bool,
    /// How to print.
    pub output: OutputMode,
    /// Whether stdout goes nowhere: /dev/null, or a descriptor that was
    /// closed (which the Rust runtime reopens on /dev/null). A new secret
    /// written there is lost, so commands that make one refuse.
    pub output_discarded: bool,
    store: Option<Store>,
    opened_for: Option<Access>,
    /// Lines to print as `apikey: warning: …`, each once.
    warnings: Vec<String>,
}

impl Context {
    /// Reads the config file (if any) and settles every global option.
    pub fn new(global: &GlobalArgs) -> Result<Context> {
        let dirs = ProjectDirs::from("", "", "apikey");
        let config_flag = global
            .config
            .clone()
            .or_else(|| env_value("APIKEY_CONFIG").map(PathBuf::from));
        let (config_path, required) = match config_flag {
            Some(path) => (crate::config::expand_home(&path)?, true),
            None => match &dirs {
                Some(d) => (d.config_dir().join("config.toml"), false),
                None => (PathBuf::new(), false),
            },
        };
        let mut config = if config_path.as_os_str().is_empty() {
            Config::default()
        } else {
            Config::load(&config_path, required)?
        };
        let warnings = std::mem::take(&mut config.warnings);
        let db_flag = match &global.db {
            Some(flag) => Some((flag.clone(), "--db")),
            None => env_value("APIKEY_DB").map(|v| (PathBuf::from(v), "APIKEY_DB")),
        };
        if let Some(problem) = db_flag
            .as_ref()
            .and_then(|(db, source)| crate::config::db_problem(db, source))
        {
            return Err(Error::Invalid(problem));
        }
        let db_flag = db_flag.map(|(db, _)| db);
        let db = match (&db_flag, &config.db, &dirs) {
            (Some(flag), _, _) => crate::config::expand_home(flag)?,
            (None, Some(from_config), _) => from_config.clone(),
            (None, None, Some(d)) => d.data_dir().join("keys.db"),
            (None, None, None) => {
                return Err(Error::Config(
                    "cannot find a data directory for the store (is HOME set?): pass --db PATH"
                        .into(),
                ));
            }
        };
        let named = global
            .account
            .clone()
            .or_else(|| env_value("APIKEY_ACCOUNT").map(|v| v.to_string_lossy().into_owned()))
            .or(config.account.clone());
        let account_named = named.is_some();
        let account = named.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match (global.color, no_color_env, config.color) {
            (Some(ColorArg::Always), _, _) => true,
            (Some(ColorArg::Never), _, _) => false,
            (Some(ColorArg::Auto), _, _) | (None, false, None | Some(ColorMode::Auto)) => {
                std::io::stdout().is_terminal()
            }
            (None, true, _) => false,
            (None, false, Some(ColorMode::Always)) => true,
            (None, false, Some(ColorMode::Never)) => false,
        };
        Ok(Context {
            db,
            config_path,
            smtp: config.smtp,
            serve: config.serve,
            balance: config.balance.unwrap_or_default(),
            account,
            account_named,
            busy_timeout: config
                .busy_timeout_ms
                .map_or(DEFAULT_BUSY_TIMEOUT, Duration::from_millis),
            clock: test_clock()?,
            yes: global.yes,
            output: OutputMode {
                json: global.json,
                quiet: global.quiet,
                color,
            },
            output_discarded: false,
            store: None,
            opened_for: None,
            warnings,
        })
    }

    /// The store, opened the first time it is asked for, for what the
    /// command means to do with it (see [`Access`]). Opening it to make
    /// changes also announces expiries that came within 7 days and records
    /// the batches of lookups that lapsed or came near it (the store
    /// redacts client IPs past their redact days in every write on its
    /// own). Opening it to read changes nothing.
    pub fn store(&mut self, access: Access) -> Result<&mut Store> {
        // One access per command: a store opened to read cannot write.
        debug_assert!(
            self.opened_for.is_none_or(|opened| opened == access),
            "the store was opened for {:?}, and is asked for {access:?}",
            self.opened_for
        );
        if self.store.is_none() {
            let mut store =
                Store::open_with_progress(&self.db, access, self.busy_timeout, &mut say_progress)?
                    .with_clock(self.clock);
            if access != Access::Read {
                store.announce_expiring()?;
                store.record_due_batches()?;
            }
            self.store = Some(store);
            self.opened_for = Some(access);
            self.check_store_permissions();
        }
        Ok(self.store.as_mut().expect("opened above"))
    }

    /// A store other than `--db` (`store copy`'s FROM and TO), opened for
    /// `access` as `--db` would be: `~` expanded, the same busy timeout,
    /// clock and progress messages.
    pub fn open_other(&self, location: &Path, access: Access) -> Result<Store> {
        if let Some(problem) = crate::config::db_problem(location, "store") {
            return Err(Error::Invalid(problem));
        }
        let location = crate::config::expand_home(location)?;
        Ok(
            Store::open_with_progress(&location, access, self.busy_timeout, &mut say_progress)?
                .with_clock(self.clock),
        )
    }

    /// Warns about a store that other users could read (its digests,
    /// settings and client IPs) or change, and about a folder they could
    /// write to, where they could replace the store or plant its `-wal`
    /// file. The sticky bit (as on /tmp) does not stop the latter, so a
    /// folder is judged by its write bits alone. Stores apikey makes (0600,
    /// in a 0700 folder) never warn.
    fn check_store_permissions(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.on_postgres() {
            return;
        }
        let mode = |meta: std::fs::Metadata| meta.permissions().mode() & 0o7777;
        let dir = match self.db.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if let Ok(mode) = std::fs::metadata(dir).map(mode)
            && mode & 0o022 != 0
        {
            let line = format!(
                "store {}: its folder {} can be written by other users (mode {mode:04o}), who could replace the store or its -wal file: chmod go-w {}, or keep the store in a private folder",
                self.db.display(),
                dir.display(),
                dir.display()
            );
            self.warn(line);
        }
        if let Ok(mode) = std::fs::symlink_metadata(&self.db).map(mode)
            && mode & 0o066 != 0
        {
            let line = format!(
                "store {} can be read or changed by other users (mode {mode:04o}): chmod 600 {}",
                self.db.display(),
                self.db.display()
            );
            self.warn(line);
        }
    }

    /// Queues a warning for stderr, once however often it is raised.
    fn warn(&mut self, line: String) {
        if !self.warnings.contains(&line) {
            self.warnings.push(line);
        }
    }

    /// The warnings raised since the last call, to print as
    /// `apikey: warning: …` lines.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Plans against a new, empty store in memory instead of the store
    /// file, when there is no file yet: a dry run before the first run.
    pub fn use_empty_store(&mut self) -> Result<()> {
        self.store = Some(Store::in_memory_as(&self.db)?.with_clock(self.clock));
        self.opened_for = Some(Access::Read);
        Ok(())
    }

    /// Whether the store file exists, or something is in its way (a file
    /// where its folder should be): only "not found" is a store not made yet.
    pub fn store_exists(&self) -> bool {
        // A server's store is looked for by connecting, when it is opened.
        self.on_postgres()
            || !matches!(std::fs::symlink_metadata(&self.db), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// The instant commands act at, by the clock the store will use (for
    /// reading relative times such as `--expires 30d`).
    pub fn now(&self) -> crate::clock::Timestamp {
        self.clock.now()
    }

    /// When lookups a `topup` adds lapse, unless it says: the config's
    /// `[balance] topup_expires`, else never.
    pub fn topup_expires(&self) -> crate::balance::BatchExpiry {
        self.balance
            .topup_expires
            .unwrap_or(crate::balance::BatchExpiry::Never)
    }

    /// The `[serve]` section of the config file (empty when it has none).
    pub fn serve_config(&self) -> crate::config::ServeConfig {
        self.serve.clone().unwrap_or_default()
    }

    /// The store, opened for `access`, handed over for good (to a
    /// verifier's thread): later calls open it again.
    pub fn take_store(&mut self, access: Access) -> Result<Store> {
        self.store(access)?;
        self.opened_for = None;
        Ok(self.store.take().expect("opened above"))
    }

    /// The `[smtp]` section of the config file, if it has one.
    pub fn smtp(&self) -> Option<&SmtpConfig> {
        self.smtp.as_ref()
    }

    /// The config file that was read (or would have been).
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Whether the store is on a PostgreSQL server (`--db postgres://…`).
    pub fn on_postgres(&self) -> bool {
        self.db.to_str().is_some_and(crate::store::is_postgres)
    }

    /// The store as messages show it: its file path, or its server's URL
    /// without the password.
    pub fn db_path(&self) -> PathBuf {
        PathBuf::from(crate::store::shown_location(&self.db.to_string_lossy()))
    }

    /// The account commands act on, validated (exit 2 if malformed).
    pub fn account(&self) -> Result<AccountName> {
        AccountName::parse(&self.account)
    }

    /// The account, validated, when one was named; `None` when commands
    /// would act on the default account only because none was.
    pub fn named_account(&self) -> Result<Option<AccountName>> {
        if self.account_named {
            self.account().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Whether `--yes` was given.
    pub fn yes(&self) -> bool {
        self.yes
    }

    /// Asks before a destructive change: `--yes` confirms; on a terminal the
    /// user is asked; otherwise the command is refused (exit 3).
    pub fn confirm(&self, action: &str) -> Result<()> {
        if self.yes {
            return Ok(());
        }
        let refuse = || Error::NeedsConfirmation {
            action: action.to_owned(),
        };
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(refuse());
        }
        let answer = dialoguer::Confirm::new()
            .with_prompt(format!("{}? This cannot be undone", capitalize(action)))
            .default(false)
            .interact_on(&dialoguer::console::Term::stderr())
            .map_err(|_| refuse())?;
        if answer {
            Ok(())
        } else {
            Err(Error::NotConfirmed {
                action: action.to_owned(),
            })
        }
    }
}

/// Whether this process's stdout is /dev/null (a closed descriptor
/// included: the Rust runtime reopens descriptors 0 to 2 on /dev/null).
pub fn stdout_discards() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() else {
        return true;
    };
    let (Ok(out), Ok(null)) = (
        std::fs::File::from(fd).metadata(),
        std::fs::metadata("/dev/null"),
    ) else {
        return false;
    };
    out.file_type().is_char_device() && out.rdev() == null.rdev()
}

/// An environment variable's value; an empty one counts as unset, as
/// `NO_COLOR` does, so `APIKEY_DB=` never means "a store named ''".
pub fn env_value(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Debug builds let tests pin the clock with `APIKEY_TEST_NOW` (RFC 3339),
/// to cross day boundaries and grace periods without sleeping. Release
/// builds ignore it: nobody can move a production store's clock.
/// Says what an upgrade is doing on stderr at once, not after the command:
/// a minute of silence reads as a hang.
pub fn say_progress(notice: &Upgrading) {
    let _ = writeln!(std::io::stderr(), "apikey: {notice}");
}

fn test_clock() -> Result<Clock> {
    #[cfg(debug_assertions)]
    if let Some(text) = std::env::var_os("APIKEY_TEST_NOW") {
        let text = text.to_string_lossy();
        return crate::clock::parse_instant_ms(&text).map(Clock::FixedMillis);
    }
    Ok(Clock::System)
}
