//! `lamin`: the command line of lamindb-rs.
//!
//! Glue only: parse the arguments, call the library, print. Messages go to stderr, data (tables,
//! JSON) to stdout; errors end the process with status 1 and say what to do.

mod commands;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Manage LaminDB instances, storage locations and records from the command line.
///
/// An instance is a SQL database (SQLite by default, or PostgreSQL) plus a default storage
/// location; it uses LaminDB's format, so Python LaminDB can open what `lamin` creates and the
/// other way round. Settings live in $LAMIN_SETTINGS_DIR/.lamin (default ~/.lamin).
#[derive(Debug, Parser)]
#[command(name = "lamin", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create an instance and make it the current one.
    ///
    /// Examples:
    ///   lamin init --storage ./mydata
    ///   lamin init --storage s3://my-bucket/lamin --db postgresql://user:pw@host:5432/lamin
    #[command(verbatim_doc_comment)]
    Init(commands::instance::InitArgs),
    /// Make an existing instance the current one (`owner/name` or `name`).
    Connect(commands::instance::ConnectArgs),
    /// Forget the current instance (nothing is deleted).
    Disconnect,
    /// Show the current instance: slug, storage, database (password redacted), user.
    Info(commands::instance::InfoArgs),
    /// Delete an instance, or a record of a registry.
    ///
    /// Examples:
    ///   lamin delete instance mydata --force
    #[command(verbatim_doc_comment)]
    Delete(commands::delete::DeleteArgs),
    /// Register, list, show and delete storage locations.
    #[command(subcommand)]
    Storage(commands::storage::StorageCommand),
    /// Read and change settings of the current instance.
    #[command(subcommand)]
    Settings(commands::storage::SettingsCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => commands::instance::init(args),
        Command::Connect(args) => commands::instance::connect(args),
        Command::Disconnect => commands::instance::disconnect(),
        Command::Info(args) => commands::instance::info(args),
        Command::Delete(args) => commands::delete::run(args),
        Command::Storage(cmd) => commands::storage::run(cmd),
        Command::Settings(cmd) => commands::storage::settings(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e);
            ExitCode::FAILURE
        }
    }
}
