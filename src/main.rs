//! The `apikey` binary: the library's command-line program.

fn main() -> std::process::ExitCode {
    apikey::cli_seam::main()
}
