//! `hoptac`: the one binary. Subcommands run the server, migrate, import, export,
//! generate the demo province and back up the database.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
