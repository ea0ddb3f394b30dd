
use builtin;
use str;

set edit:completion:arg-completer[apikey] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'apikey'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'apikey'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a key and print its secret once'
            cand list 'List the account''s keys (never their secrets)'
            cand show 'Show one key: settings, notification list, balance'
            cand revoke 'Permanently disable a key'
            cand suspend 'Pause a key: it verifies as SUSPENDED until resumed, keeping everything else'
            cand resume 'Let a suspended key verify again'
            cand regenerate 'Give a key a new secret, keeping its id, name, balance and settings'
            cand rename 'Give a key a new name, keeping its id, secret, balance and settings'
            cand topup 'Add lookups to a key''s balance'
            cand autotopup 'Show or change a key''s automatic top-up'
            cand security 'Show or change a key''s security settings'
            cand verify 'Check a presented key and spend lookups, as an API server would'
            cand serve 'Verify keys over HTTP for gateways and API servers, until stopped'
            cand usage 'Show lookups over time, by day or by client IP'
            cand notify 'Manage who is emailed about a key, and deliver queued notifications'
            cand log 'Show the audit trail of admin changes'
            cand account 'Create, list and show accounts'
            cand store 'Look after the store file itself'
            cand apply 'Make the store match a TOML manifest (for CI)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;create'= {
            cand --name 'Name, unique among the account''s active keys [default: key-N]'
            cand --allow-url 'Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)'
            cand --remove-url 'Stop allowing an origin or URL prefix (repeatable)'
            cand --allow-ip 'Allow an IPv4/IPv6 address or CIDR block (repeatable)'
            cand --remove-ip 'Stop allowing an address or block (repeatable)'
            cand --daily-limit 'Successful lookups per UTC day, or off'
            cand --monthly-limit 'Successful lookups per UTC calendar month, or off'
            cand --ip-daily-limit 'Successful lookups per UTC day per client IP, or off'
            cand --scope 'Allow a scope (repeatable; none means any scope)'
            cand --remove-scope 'Stop allowing a scope (repeatable)'
            cand --expires 'When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never'
            cand --redact-days 'Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]'
            cand --rate-limit 'Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)'
            cand --remove-rate-limit 'Remove the rate limit on a window (repeatable)'
            cand --notify 'Email an address about this key''s balance and lifecycle (repeatable, at most 5)'
            cand --low-balance 'Warn the notification list when a spend takes the balance below N'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;list'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --all 'Include revoked keys'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;show'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;revoke'= {
            cand --reason 'Why, for the audit trail'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;suspend'= {
            cand --reason 'Why, for the audit trail and the key''s notification list'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;resume'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;regenerate'= {
            cand --grace 'How long the old secret keeps working, e.g. 1h or 7d [default: it stops at once]'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;rename'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;topup'= {
            cand --note 'A note for the ledger and the audit trail'
            cand --ref 'The payment or invoice id: a second top-up with it in the account adds nothing'
            cand --expires 'When these lookups lapse: a duration (365d, 12mo), a date, or never [default: the config''s [balance] topup_expires, else never]'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;autotopup'= {
            cand --below 'Top up when a verification leaves the balance below N'
            cand --amount 'Lookups each top-up adds: a whole number from 1 to 1000000000'
            cand --max-per-day 'At most K top-ups per UTC day, 1 to 1000 [default: 1]'
            cand --expires 'When each top-up''s lookups lapse: a duration (365d, 12mo) or never [default: never]'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --off 'Turn automatic top-up off'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;security'= {
            cand --allow-url 'Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)'
            cand --remove-url 'Stop allowing an origin or URL prefix (repeatable)'
            cand --allow-ip 'Allow an IPv4/IPv6 address or CIDR block (repeatable)'
            cand --remove-ip 'Stop allowing an address or block (repeatable)'
            cand --daily-limit 'Successful lookups per UTC day, or off'
            cand --monthly-limit 'Successful lookups per UTC calendar month, or off'
            cand --ip-daily-limit 'Successful lookups per UTC day per client IP, or off'
            cand --scope 'Allow a scope (repeatable; none means any scope)'
            cand --remove-scope 'Stop allowing a scope (repeatable)'
            cand --expires 'When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never'
            cand --redact-days 'Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]'
            cand --rate-limit 'Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)'
            cand --remove-rate-limit 'Remove the rate limit on a window (repeatable)'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;verify'= {
            cand --origin 'The request''s Origin or Referer'
            cand --ip 'The client''s IP address'
            cand --scope 'The scope the request needs'
            cand --cost 'Lookups this request spends'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --dry-run 'Check only: spend nothing, record nothing'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'apikey;serve'= {
            cand --listen 'The address to listen on; port 0 picks a free one [env: APIKEY_LISTEN] [default: `listen` in the config''s [serve], else 127.0.0.1:7878]'
            cand --trust-proxy 'Believe X-Forwarded-For and X-Real-IP from peers in this range (repeatable) [default: none]'
            cand --max-connections 'The most client connections open at once; more wait to be accepted [default: 10000]'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --full-status 'Answer balance denials 402 and limit denials 429 (with Retry-After), for gateways that pass statuses through'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;usage'= {
            cand --days 'How many days back, today included (1 to 3660)'
            cand --by 'Group by day or by client IP'
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add addresses to a key''s notification list (at most 5 in all)'
            cand remove 'Remove addresses from a key''s notification list'
            cand list 'Show a key''s notification list and low-balance threshold'
            cand threshold 'Set (or turn off) the balance below which the list is warned'
            cand outbox 'List queued notification events (pending ones, or all)'
            cand send 'Deliver pending events over SMTP ([smtp] in the config file)'
            cand retry 'Send a failed event again, to the recipients who did not get it'
            cand discard 'Drop a pending or failed event, so that it is never sent'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;notify;add'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;remove'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;list'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;threshold'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;outbox'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --all 'Include sent and skipped events'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;send'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;retry'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;discard'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;notify;help'= {
            cand add 'Add addresses to a key''s notification list (at most 5 in all)'
            cand remove 'Remove addresses from a key''s notification list'
            cand list 'Show a key''s notification list and low-balance threshold'
            cand threshold 'Set (or turn off) the balance below which the list is warned'
            cand outbox 'List queued notification events (pending ones, or all)'
            cand send 'Deliver pending events over SMTP ([smtp] in the config file)'
            cand retry 'Send a failed event again, to the recipients who did not get it'
            cand discard 'Drop a pending or failed event, so that it is never sent'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;notify;help;add'= {
        }
        &'apikey;notify;help;remove'= {
        }
        &'apikey;notify;help;list'= {
        }
        &'apikey;notify;help;threshold'= {
        }
        &'apikey;notify;help;outbox'= {
        }
        &'apikey;notify;help;send'= {
        }
        &'apikey;notify;help;retry'= {
        }
        &'apikey;notify;help;discard'= {
        }
        &'apikey;notify;help;help'= {
        }
        &'apikey;log'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;account'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create an account'
            cand list 'List accounts with their key counts and balances'
            cand show 'Show one account [default: the current one]'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;account;create'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;account;list'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;account;show'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;account;help'= {
            cand create 'Create an account'
            cand list 'List accounts with their key counts and balances'
            cand show 'Show one account [default: the current one]'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;account;help;create'= {
        }
        &'apikey;account;help;list'= {
        }
        &'apikey;account;help;show'= {
        }
        &'apikey;account;help;help'= {
        }
        &'apikey;store'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand upgrade 'Bring a store made by an older apikey to this build''s schema'
            cand check 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database''s integrity'
            cand copy 'Copy a whole store into a new one: SQLite to PostgreSQL, or back'
            cand backup 'Write a consistent snapshot of the store to a new file, while other processes keep using it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;store;upgrade'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;store;check'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;store;copy'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;store;backup'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;store;help'= {
            cand upgrade 'Bring a store made by an older apikey to this build''s schema'
            cand check 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database''s integrity'
            cand copy 'Copy a whole store into a new one: SQLite to PostgreSQL, or back'
            cand backup 'Write a consistent snapshot of the store to a new file, while other processes keep using it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;store;help;upgrade'= {
        }
        &'apikey;store;help;check'= {
        }
        &'apikey;store;help;copy'= {
        }
        &'apikey;store;help;backup'= {
        }
        &'apikey;store;help;help'= {
        }
        &'apikey;apply'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --dry-run 'Print the plan and change nothing'
            cand --prune 'Revoke active keys of the named accounts that the file does not name'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;completions'= {
            cand --db 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]'
            cand --config 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]'
            cand -a 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --account 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]'
            cand --color 'When to color output [default: auto; NO_COLOR turns it off]'
            cand --dynamic 'Print a script that asks apikey for completions, so key and account names come from the store (bash, zsh, fish, elvish, powershell)'
            cand --json 'Print exactly one JSON document on stdout'
            cand -y 'Confirm destructive commands without asking'
            cand --yes 'Confirm destructive commands without asking'
            cand -q 'Print only the essential value (e.g. the new key)'
            cand --quiet 'Print only the essential value (e.g. the new key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'apikey;help'= {
            cand create 'Create a key and print its secret once'
            cand list 'List the account''s keys (never their secrets)'
            cand show 'Show one key: settings, notification list, balance'
            cand revoke 'Permanently disable a key'
            cand suspend 'Pause a key: it verifies as SUSPENDED until resumed, keeping everything else'
            cand resume 'Let a suspended key verify again'
            cand regenerate 'Give a key a new secret, keeping its id, name, balance and settings'
            cand rename 'Give a key a new name, keeping its id, secret, balance and settings'
            cand topup 'Add lookups to a key''s balance'
            cand autotopup 'Show or change a key''s automatic top-up'
            cand security 'Show or change a key''s security settings'
            cand verify 'Check a presented key and spend lookups, as an API server would'
            cand serve 'Verify keys over HTTP for gateways and API servers, until stopped'
            cand usage 'Show lookups over time, by day or by client IP'
            cand notify 'Manage who is emailed about a key, and deliver queued notifications'
            cand log 'Show the audit trail of admin changes'
            cand account 'Create, list and show accounts'
            cand store 'Look after the store file itself'
            cand apply 'Make the store match a TOML manifest (for CI)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'apikey;help;create'= {
        }
        &'apikey;help;list'= {
        }
        &'apikey;help;show'= {
        }
        &'apikey;help;revoke'= {
        }
        &'apikey;help;suspend'= {
        }
        &'apikey;help;resume'= {
        }
        &'apikey;help;regenerate'= {
        }
        &'apikey;help;rename'= {
        }
        &'apikey;help;topup'= {
        }
        &'apikey;help;autotopup'= {
        }
        &'apikey;help;security'= {
        }
        &'apikey;help;verify'= {
        }
        &'apikey;help;serve'= {
        }
        &'apikey;help;usage'= {
        }
        &'apikey;help;notify'= {
            cand add 'Add addresses to a key''s notification list (at most 5 in all)'
            cand remove 'Remove addresses from a key''s notification list'
            cand list 'Show a key''s notification list and low-balance threshold'
            cand threshold 'Set (or turn off) the balance below which the list is warned'
            cand outbox 'List queued notification events (pending ones, or all)'
            cand send 'Deliver pending events over SMTP ([smtp] in the config file)'
            cand retry 'Send a failed event again, to the recipients who did not get it'
            cand discard 'Drop a pending or failed event, so that it is never sent'
        }
        &'apikey;help;notify;add'= {
        }
        &'apikey;help;notify;remove'= {
        }
        &'apikey;help;notify;list'= {
        }
        &'apikey;help;notify;threshold'= {
        }
        &'apikey;help;notify;outbox'= {
        }
        &'apikey;help;notify;send'= {
        }
        &'apikey;help;notify;retry'= {
        }
        &'apikey;help;notify;discard'= {
        }
        &'apikey;help;log'= {
        }
        &'apikey;help;account'= {
            cand create 'Create an account'
            cand list 'List accounts with their key counts and balances'
            cand show 'Show one account [default: the current one]'
        }
        &'apikey;help;account;create'= {
        }
        &'apikey;help;account;list'= {
        }
        &'apikey;help;account;show'= {
        }
        &'apikey;help;store'= {
            cand upgrade 'Bring a store made by an older apikey to this build''s schema'
            cand check 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database''s integrity'
            cand copy 'Copy a whole store into a new one: SQLite to PostgreSQL, or back'
            cand backup 'Write a consistent snapshot of the store to a new file, while other processes keep using it'
        }
        &'apikey;help;store;upgrade'= {
        }
        &'apikey;help;store;check'= {
        }
        &'apikey;help;store;copy'= {
        }
        &'apikey;help;store;backup'= {
        }
        &'apikey;help;apply'= {
        }
        &'apikey;help;completions'= {
        }
        &'apikey;help;help'= {
        }
    ]
    $completions[$command]
}
