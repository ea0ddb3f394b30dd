
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'apikey' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'apikey'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'apikey' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key and print its secret once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the account''s keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key: settings, notification list, balance')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Permanently disable a key')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Pause a key: it verifies as SUSPENDED until resumed, keeping everything else')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a suspended key verify again')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Give a key a new secret, keeping its id, name, balance and settings')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a key a new name, keeping its id, secret, balance and settings')
            [CompletionResult]::new('topup', 'topup', [CompletionResultType]::ParameterValue, 'Add lookups to a key''s balance')
            [CompletionResult]::new('autotopup', 'autotopup', [CompletionResultType]::ParameterValue, 'Show or change a key''s automatic top-up')
            [CompletionResult]::new('security', 'security', [CompletionResultType]::ParameterValue, 'Show or change a key''s security settings')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a presented key and spend lookups, as an API server would')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Verify keys over HTTP for gateways and API servers, until stopped')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show lookups over time, by day or by client IP')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Manage who is emailed about a key, and deliver queued notifications')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit trail of admin changes')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Create, list and show accounts')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Look after the store file itself')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the store match a TOML manifest (for CI)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name, unique among the account''s active keys [default: key-N]')
            [CompletionResult]::new('--allow-url', '--allow-url', [CompletionResultType]::ParameterName, 'Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)')
            [CompletionResult]::new('--remove-url', '--remove-url', [CompletionResultType]::ParameterName, 'Stop allowing an origin or URL prefix (repeatable)')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Allow an IPv4/IPv6 address or CIDR block (repeatable)')
            [CompletionResult]::new('--remove-ip', '--remove-ip', [CompletionResultType]::ParameterName, 'Stop allowing an address or block (repeatable)')
            [CompletionResult]::new('--daily-limit', '--daily-limit', [CompletionResultType]::ParameterName, 'Successful lookups per UTC day, or off')
            [CompletionResult]::new('--monthly-limit', '--monthly-limit', [CompletionResultType]::ParameterName, 'Successful lookups per UTC calendar month, or off')
            [CompletionResult]::new('--ip-daily-limit', '--ip-daily-limit', [CompletionResultType]::ParameterName, 'Successful lookups per UTC day per client IP, or off')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Allow a scope (repeatable; none means any scope)')
            [CompletionResult]::new('--remove-scope', '--remove-scope', [CompletionResultType]::ParameterName, 'Stop allowing a scope (repeatable)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never')
            [CompletionResult]::new('--redact-days', '--redact-days', [CompletionResultType]::ParameterName, 'Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)')
            [CompletionResult]::new('--remove-rate-limit', '--remove-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit on a window (repeatable)')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Email an address about this key''s balance and lifecycle (repeatable, at most 5)')
            [CompletionResult]::new('--low-balance', '--low-balance', [CompletionResultType]::ParameterName, 'Warn the notification list when a spend takes the balance below N')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include revoked keys')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;revoke' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit trail')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;suspend' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit trail and the key''s notification list')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;resume' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;regenerate' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the old secret keeps working, e.g. 1h or 7d [default: it stops at once]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;rename' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;topup' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note for the ledger and the audit trail')
            [CompletionResult]::new('--ref', '--ref', [CompletionResultType]::ParameterName, 'The payment or invoice id: a second top-up with it in the account adds nothing')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'When these lookups lapse: a duration (365d, 12mo), a date, or never [default: the config''s [balance] topup_expires, else never]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;autotopup' {
            [CompletionResult]::new('--below', '--below', [CompletionResultType]::ParameterName, 'Top up when a verification leaves the balance below N')
            [CompletionResult]::new('--amount', '--amount', [CompletionResultType]::ParameterName, 'Lookups each top-up adds: a whole number from 1 to 1000000000')
            [CompletionResult]::new('--max-per-day', '--max-per-day', [CompletionResultType]::ParameterName, 'At most K top-ups per UTC day, 1 to 1000 [default: 1]')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'When each top-up''s lookups lapse: a duration (365d, 12mo) or never [default: never]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--off', '--off', [CompletionResultType]::ParameterName, 'Turn automatic top-up off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;security' {
            [CompletionResult]::new('--allow-url', '--allow-url', [CompletionResultType]::ParameterName, 'Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)')
            [CompletionResult]::new('--remove-url', '--remove-url', [CompletionResultType]::ParameterName, 'Stop allowing an origin or URL prefix (repeatable)')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Allow an IPv4/IPv6 address or CIDR block (repeatable)')
            [CompletionResult]::new('--remove-ip', '--remove-ip', [CompletionResultType]::ParameterName, 'Stop allowing an address or block (repeatable)')
            [CompletionResult]::new('--daily-limit', '--daily-limit', [CompletionResultType]::ParameterName, 'Successful lookups per UTC day, or off')
            [CompletionResult]::new('--monthly-limit', '--monthly-limit', [CompletionResultType]::ParameterName, 'Successful lookups per UTC calendar month, or off')
            [CompletionResult]::new('--ip-daily-limit', '--ip-daily-limit', [CompletionResultType]::ParameterName, 'Successful lookups per UTC day per client IP, or off')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Allow a scope (repeatable; none means any scope)')
            [CompletionResult]::new('--remove-scope', '--remove-scope', [CompletionResultType]::ParameterName, 'Stop allowing a scope (repeatable)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never')
            [CompletionResult]::new('--redact-days', '--redact-days', [CompletionResultType]::ParameterName, 'Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)')
            [CompletionResult]::new('--remove-rate-limit', '--remove-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit on a window (repeatable)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;verify' {
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'The request''s Origin or Referer')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'The client''s IP address')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The scope the request needs')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'Lookups this request spends')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check only: spend nothing, record nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'apikey;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to listen on; port 0 picks a free one [env: APIKEY_LISTEN] [default: `listen` in the config''s [serve], else 127.0.0.1:7878]')
            [CompletionResult]::new('--trust-proxy', '--trust-proxy', [CompletionResultType]::ParameterName, 'Believe X-Forwarded-For and X-Real-IP from peers in this range (repeatable) [default: none]')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'The most client connections open at once; more wait to be accepted [default: 10000]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--full-status', '--full-status', [CompletionResultType]::ParameterName, 'Answer balance denials 402 and limit denials 429 (with Retry-After), for gateways that pass statuses through')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;usage' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'How many days back, today included (1 to 3660)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by day or by client IP')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add addresses to a key''s notification list (at most 5 in all)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove addresses from a key''s notification list')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show a key''s notification list and low-balance threshold')
            [CompletionResult]::new('threshold', 'threshold', [CompletionResultType]::ParameterValue, 'Set (or turn off) the balance below which the list is warned')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List queued notification events (pending ones, or all)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver pending events over SMTP ([smtp] in the config file)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send a failed event again, to the recipients who did not get it')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Drop a pending or failed event, so that it is never sent')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;notify;add' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;threshold' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;outbox' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include sent and skipped events')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;send' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;retry' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;discard' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;notify;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add addresses to a key''s notification list (at most 5 in all)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove addresses from a key''s notification list')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show a key''s notification list and low-balance threshold')
            [CompletionResult]::new('threshold', 'threshold', [CompletionResultType]::ParameterValue, 'Set (or turn off) the balance below which the list is warned')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List queued notification events (pending ones, or all)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver pending events over SMTP ([smtp] in the config file)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send a failed event again, to the recipients who did not get it')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Drop a pending or failed event, so that it is never sent')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;notify;help;add' {
            break
        }
        'apikey;notify;help;remove' {
            break
        }
        'apikey;notify;help;list' {
            break
        }
        'apikey;notify;help;threshold' {
            break
        }
        'apikey;notify;help;outbox' {
            break
        }
        'apikey;notify;help;send' {
            break
        }
        'apikey;notify;help;retry' {
            break
        }
        'apikey;notify;help;discard' {
            break
        }
        'apikey;notify;help;help' {
            break
        }
        'apikey;log' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;account' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an account')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts with their key counts and balances')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account [default: the current one]')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;account;create' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;account;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;account;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;account;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an account')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts with their key counts and balances')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account [default: the current one]')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;account;help;create' {
            break
        }
        'apikey;account;help;list' {
            break
        }
        'apikey;account;help;show' {
            break
        }
        'apikey;account;help;help' {
            break
        }
        'apikey;store' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Bring a store made by an older apikey to this build''s schema')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database''s integrity')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy a whole store into a new one: SQLite to PostgreSQL, or back')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent snapshot of the store to a new file, while other processes keep using it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;store;upgrade' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;store;check' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;store;copy' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;store;backup' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;store;help' {
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Bring a store made by an older apikey to this build''s schema')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database''s integrity')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy a whole store into a new one: SQLite to PostgreSQL, or back')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent snapshot of the store to a new file, while other processes keep using it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;store;help;upgrade' {
            break
        }
        'apikey;store;help;check' {
            break
        }
        'apikey;store;help;copy' {
            break
        }
        'apikey;store;help;backup' {
            break
        }
        'apikey;store;help;help' {
            break
        }
        'apikey;apply' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Revoke active keys of the named accounts that the file does not name')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--dynamic', '--dynamic', [CompletionResultType]::ParameterName, 'Print a script that asks apikey for completions, so key and account names come from the store (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive commands without asking')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the essential value (e.g. the new key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'apikey;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key and print its secret once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the account''s keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key: settings, notification list, balance')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Permanently disable a key')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Pause a key: it verifies as SUSPENDED until resumed, keeping everything else')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a suspended key verify again')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Give a key a new secret, keeping its id, name, balance and settings')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a key a new name, keeping its id, secret, balance and settings')
            [CompletionResult]::new('topup', 'topup', [CompletionResultType]::ParameterValue, 'Add lookups to a key''s balance')
            [CompletionResult]::new('autotopup', 'autotopup', [CompletionResultType]::ParameterValue, 'Show or change a key''s automatic top-up')
            [CompletionResult]::new('security', 'security', [CompletionResultType]::ParameterValue, 'Show or change a key''s security settings')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a presented key and spend lookups, as an API server would')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Verify keys over HTTP for gateways and API servers, until stopped')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show lookups over time, by day or by client IP')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Manage who is emailed about a key, and deliver queued notifications')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit trail of admin changes')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Create, list and show accounts')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Look after the store file itself')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the store match a TOML manifest (for CI)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'apikey;help;create' {
            break
        }
        'apikey;help;list' {
            break
        }
        'apikey;help;show' {
            break
        }
        'apikey;help;revoke' {
            break
        }
        'apikey;help;suspend' {
            break
        }
        'apikey;help;resume' {
            break
        }
        'apikey;help;regenerate' {
            break
        }
        'apikey;help;rename' {
            break
        }
        'apikey;help;topup' {
            break
        }
        'apikey;help;autotopup' {
            break
        }
        'apikey;help;security' {
            break
        }
        'apikey;help;verify' {
            break
        }
        'apikey;help;serve' {
            break
        }
        'apikey;help;usage' {
            break
        }
        'apikey;help;notify' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add addresses to a key''s notification list (at most 5 in all)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove addresses from a key''s notification list')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show a key''s notification list and low-balance threshold')
            [CompletionResult]::new('threshold', 'threshold', [CompletionResultType]::ParameterValue, 'Set (or turn off) the balance below which the list is warned')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List queued notification events (pending ones, or all)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver pending events over SMTP ([smtp] in the config file)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send a failed event again, to the recipients who did not get it')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Drop a pending or failed event, so that it is never sent')
            break
        }
        'apikey;help;notify;add' {
            break
        }
        'apikey;help;notify;remove' {
            break
        }
        'apikey;help;notify;list' {
            break
        }
        'apikey;help;notify;threshold' {
            break
        }
        'apikey;help;notify;outbox' {
            break
        }
        'apikey;help;notify;send' {
            break
        }
        'apikey;help;notify;retry' {
            break
        }
        'apikey;help;notify;discard' {
            break
        }
        'apikey;help;log' {
            break
        }
        'apikey;help;account' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an account')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts with their key counts and balances')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account [default: the current one]')
            break
        }
        'apikey;help;account;create' {
            break
        }
        'apikey;help;account;list' {
            break
        }
        'apikey;help;account;show' {
            break
        }
        'apikey;help;store' {
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Bring a store made by an older apikey to this build''s schema')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database''s integrity')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy a whole store into a new one: SQLite to PostgreSQL, or back')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent snapshot of the store to a new file, while other processes keep using it')
            break
        }
        'apikey;help;store;upgrade' {
            break
        }
        'apikey;help;store;check' {
            break
        }
        'apikey;help;store;copy' {
            break
        }
        'apikey;help;store;backup' {
            break
        }
        'apikey;help;apply' {
            break
        }
        'apikey;help;completions' {
            break
        }
        'apikey;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
