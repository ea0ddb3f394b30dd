# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_apikey_global_optspecs
    string join \n db= config= a/account= json y/yes q/quiet color= h/help V/version
end

function __fish_apikey_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_apikey_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_apikey_using_subcommand
    set -l cmd (__fish_apikey_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c apikey -n "__fish_apikey_needs_command" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_needs_command" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_needs_command" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_needs_command" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_needs_command" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_needs_command" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_needs_command" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_needs_command" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "create" -d 'Create a key and print its secret once'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "list" -d 'List the account\'s keys (never their secrets)'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "show" -d 'Show one key: settings, notification list, balance'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "revoke" -d 'Permanently disable a key'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "suspend" -d 'Pause a key: it verifies as SUSPENDED until resumed, keeping everything else'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "resume" -d 'Let a suspended key verify again'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "regenerate" -d 'Give a key a new secret, keeping its id, name, balance and settings'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "rename" -d 'Give a key a new name, keeping its id, secret, balance and settings'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "topup" -d 'Add lookups to a key\'s balance'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "autotopup" -d 'Show or change a key\'s automatic top-up'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "security" -d 'Show or change a key\'s security settings'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "verify" -d 'Check a presented key and spend lookups, as an API server would'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "serve" -d 'Verify keys over HTTP for gateways and API servers, until stopped'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "usage" -d 'Show lookups over time, by day or by client IP'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "notify" -d 'Manage who is emailed about a key, and deliver queued notifications'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "log" -d 'Show the audit trail of admin changes'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "account" -d 'Create, list and show accounts'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "store" -d 'Look after the store file itself'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "apply" -d 'Make the store match a TOML manifest (for CI)'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c apikey -n "__fish_apikey_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand create" -l name -d 'Name, unique among the account\'s active keys [default: key-N]' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l allow-url -d 'Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l remove-url -d 'Stop allowing an origin or URL prefix (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l allow-ip -d 'Allow an IPv4/IPv6 address or CIDR block (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l remove-ip -d 'Stop allowing an address or block (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l daily-limit -d 'Successful lookups per UTC day, or off' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l monthly-limit -d 'Successful lookups per UTC calendar month, or off' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l ip-daily-limit -d 'Successful lookups per UTC day per client IP, or off' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l scope -d 'Allow a scope (repeatable; none means any scope)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l remove-scope -d 'Stop allowing a scope (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l expires -d 'When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l redact-days -d 'Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l rate-limit -d 'Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l remove-rate-limit -d 'Remove the rate limit on a window (repeatable)' -r -f -a "s\t''
min\t''
h\t''"
complete -c apikey -n "__fish_apikey_using_subcommand create" -l notify -d 'Email an address about this key\'s balance and lifecycle (repeatable, at most 5)' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l low-balance -d 'Warn the notification list when a spend takes the balance below N' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand create" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand create" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand create" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand create" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand create" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand create" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand create" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand list" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand list" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand list" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand list" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand list" -l all -d 'Include revoked keys'
complete -c apikey -n "__fish_apikey_using_subcommand list" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand list" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand list" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand list" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand show" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand show" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand show" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand show" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand show" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand show" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand show" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand show" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -l reason -d 'Why, for the audit trail' -r
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -l reason -d 'Why, for the audit trail and the key\'s notification list' -r
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand suspend" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand resume" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand resume" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand resume" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand resume" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand resume" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand resume" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand resume" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand resume" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -l grace -d 'How long the old secret keeps working, e.g. 1h or 7d [default: it stops at once]' -r
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand regenerate" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand rename" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand rename" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand rename" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand rename" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand rename" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand rename" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand rename" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand rename" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l note -d 'A note for the ledger and the audit trail' -r
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l ref -d 'The payment or invoice id: a second top-up with it in the account adds nothing' -r
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l expires -d 'When these lookups lapse: a duration (365d, 12mo), a date, or never [default: the config\'s [balance] topup_expires, else never]' -r
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand topup" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand topup" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand topup" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand topup" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand topup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand topup" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l below -d 'Top up when a verification leaves the balance below N' -r
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l amount -d 'Lookups each top-up adds: a whole number from 1 to 1000000000' -r
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l max-per-day -d 'At most K top-ups per UTC day, 1 to 1000 [default: 1]' -r
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l expires -d 'When each top-up\'s lookups lapse: a duration (365d, 12mo) or never [default: never]' -r
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l off -d 'Turn automatic top-up off'
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand autotopup" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand security" -l allow-url -d 'Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l remove-url -d 'Stop allowing an origin or URL prefix (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l allow-ip -d 'Allow an IPv4/IPv6 address or CIDR block (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l remove-ip -d 'Stop allowing an address or block (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l daily-limit -d 'Successful lookups per UTC day, or off' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l monthly-limit -d 'Successful lookups per UTC calendar month, or off' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l ip-daily-limit -d 'Successful lookups per UTC day per client IP, or off' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l scope -d 'Allow a scope (repeatable; none means any scope)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l remove-scope -d 'Stop allowing a scope (repeatable)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l expires -d 'When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l redact-days -d 'Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l rate-limit -d 'Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l remove-rate-limit -d 'Remove the rate limit on a window (repeatable)' -r -f -a "s\t''
min\t''
h\t''"
complete -c apikey -n "__fish_apikey_using_subcommand security" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand security" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand security" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand security" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand security" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand security" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand security" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand security" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand security" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l origin -d 'The request\'s Origin or Referer' -r
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l ip -d 'The client\'s IP address' -r
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l scope -d 'The scope the request needs' -r
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l cost -d 'Lookups this request spends' -r
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand verify" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l dry-run -d 'Check only: spend nothing, record nothing'
complete -c apikey -n "__fish_apikey_using_subcommand verify" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand verify" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand verify" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l listen -d 'The address to listen on; port 0 picks a free one [env: APIKEY_LISTEN] [default: `listen` in the config\'s [serve], else 127.0.0.1:7878]' -r
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l trust-proxy -d 'Believe X-Forwarded-For and X-Real-IP from peers in this range (repeatable) [default: none]' -r
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l max-connections -d 'The most client connections open at once; more wait to be accepted [default: 10000]' -r
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand serve" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l full-status -d 'Answer balance denials 402 and limit denials 429 (with Retry-After), for gateways that pass statuses through'
complete -c apikey -n "__fish_apikey_using_subcommand serve" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand serve" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand serve" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand serve" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand usage" -l days -d 'How many days back, today included (1 to 3660)' -r
complete -c apikey -n "__fish_apikey_using_subcommand usage" -l by -d 'Group by day or by client IP' -r -f -a "day\t'One row per UTC day'
ip\t'One row per client IP'"
complete -c apikey -n "__fish_apikey_using_subcommand usage" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand usage" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand usage" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand usage" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand usage" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand usage" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand usage" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand usage" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "add" -d 'Add addresses to a key\'s notification list (at most 5 in all)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "remove" -d 'Remove addresses from a key\'s notification list'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "list" -d 'Show a key\'s notification list and low-balance threshold'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "threshold" -d 'Set (or turn off) the balance below which the list is warned'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "outbox" -d 'List queued notification events (pending ones, or all)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "send" -d 'Deliver pending events over SMTP ([smtp] in the config file)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "retry" -d 'Send a failed event again, to the recipients who did not get it'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "discard" -d 'Drop a pending or failed event, so that it is never sent'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and not __fish_seen_subcommand_from add remove list threshold outbox send retry discard help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from threshold" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -l all -d 'Include sent and skipped events'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from outbox" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from retry" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from discard" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add addresses to a key\'s notification list (at most 5 in all)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove addresses from a key\'s notification list'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show a key\'s notification list and low-balance threshold'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "threshold" -d 'Set (or turn off) the balance below which the list is warned'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "outbox" -d 'List queued notification events (pending ones, or all)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "send" -d 'Deliver pending events over SMTP ([smtp] in the config file)'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Send a failed event again, to the recipients who did not get it'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "discard" -d 'Drop a pending or failed event, so that it is never sent'
complete -c apikey -n "__fish_apikey_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand log" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand log" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand log" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand log" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand log" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand log" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand log" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand log" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -f -a "create" -d 'Create an account'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -f -a "list" -d 'List accounts with their key counts and balances'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -f -a "show" -d 'Show one account [default: the current one]'
complete -c apikey -n "__fish_apikey_using_subcommand account; and not __fish_seen_subcommand_from create list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an account'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "list" -d 'List accounts with their key counts and balances'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one account [default: the current one]'
complete -c apikey -n "__fish_apikey_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -f -a "upgrade" -d 'Bring a store made by an older apikey to this build\'s schema'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -f -a "check" -d 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database\'s integrity'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -f -a "copy" -d 'Copy a whole store into a new one: SQLite to PostgreSQL, or back'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -f -a "backup" -d 'Write a consistent snapshot of the store to a new file, while other processes keep using it'
complete -c apikey -n "__fish_apikey_using_subcommand store; and not __fish_seen_subcommand_from upgrade check copy backup help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from upgrade" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from copy" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from backup" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "upgrade" -d 'Bring a store made by an older apikey to this build\'s schema'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database\'s integrity'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy a whole store into a new one: SQLite to PostgreSQL, or back'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Write a consistent snapshot of the store to a new file, while other processes keep using it'
complete -c apikey -n "__fish_apikey_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand apply" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand apply" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand apply" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand apply" -l dry-run -d 'Print the plan and change nothing'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -l prune -d 'Revoke active keys of the named accounts that the file does not name'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand apply" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand completions" -l db -d 'The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand completions" -l config -d 'The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]' -r -F
complete -c apikey -n "__fish_apikey_using_subcommand completions" -s a -l account -d 'The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]' -r
complete -c apikey -n "__fish_apikey_using_subcommand completions" -l color -d 'When to color output [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t'Color when writing to a terminal'
always\t'Always color'
never\t'Never color'"
complete -c apikey -n "__fish_apikey_using_subcommand completions" -l dynamic -d 'Print a script that asks apikey for completions, so key and account names come from the store (bash, zsh, fish, elvish, powershell)'
complete -c apikey -n "__fish_apikey_using_subcommand completions" -l json -d 'Print exactly one JSON document on stdout'
complete -c apikey -n "__fish_apikey_using_subcommand completions" -s y -l yes -d 'Confirm destructive commands without asking'
complete -c apikey -n "__fish_apikey_using_subcommand completions" -s q -l quiet -d 'Print only the essential value (e.g. the new key)'
complete -c apikey -n "__fish_apikey_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c apikey -n "__fish_apikey_using_subcommand completions" -s V -l version -d 'Print version'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "create" -d 'Create a key and print its secret once'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "list" -d 'List the account\'s keys (never their secrets)'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "show" -d 'Show one key: settings, notification list, balance'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "revoke" -d 'Permanently disable a key'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "suspend" -d 'Pause a key: it verifies as SUSPENDED until resumed, keeping everything else'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "resume" -d 'Let a suspended key verify again'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "regenerate" -d 'Give a key a new secret, keeping its id, name, balance and settings'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "rename" -d 'Give a key a new name, keeping its id, secret, balance and settings'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "topup" -d 'Add lookups to a key\'s balance'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "autotopup" -d 'Show or change a key\'s automatic top-up'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "security" -d 'Show or change a key\'s security settings'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "verify" -d 'Check a presented key and spend lookups, as an API server would'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "serve" -d 'Verify keys over HTTP for gateways and API servers, until stopped'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "usage" -d 'Show lookups over time, by day or by client IP'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "notify" -d 'Manage who is emailed about a key, and deliver queued notifications'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "log" -d 'Show the audit trail of admin changes'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "account" -d 'Create, list and show accounts'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "store" -d 'Look after the store file itself'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "apply" -d 'Make the store match a TOML manifest (for CI)'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c apikey -n "__fish_apikey_using_subcommand help; and not __fish_seen_subcommand_from create list show revoke suspend resume regenerate rename topup autotopup security verify serve usage notify log account store apply completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "add" -d 'Add addresses to a key\'s notification list (at most 5 in all)'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "remove" -d 'Remove addresses from a key\'s notification list'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "list" -d 'Show a key\'s notification list and low-balance threshold'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "threshold" -d 'Set (or turn off) the balance below which the list is warned'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "outbox" -d 'List queued notification events (pending ones, or all)'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "send" -d 'Deliver pending events over SMTP ([smtp] in the config file)'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "retry" -d 'Send a failed event again, to the recipients who did not get it'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "discard" -d 'Drop a pending or failed event, so that it is never sent'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "create" -d 'Create an account'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "list" -d 'List accounts with their key counts and balances'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "show" -d 'Show one account [default: the current one]'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "upgrade" -d 'Bring a store made by an older apikey to this build\'s schema'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "check" -d 'Check every invariant: balances against the ledger, active keys and test balances per account, stored lists, the database\'s integrity'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "copy" -d 'Copy a whole store into a new one: SQLite to PostgreSQL, or back'
complete -c apikey -n "__fish_apikey_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "backup" -d 'Write a consistent snapshot of the store to a new file, while other processes keep using it'
