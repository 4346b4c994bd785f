//! `lamin`: the command line of lamindb-rs.
//!
//! Glue only: parse the arguments, call the library, print. Messages go to stderr, data (tables,
//! JSON) to stdout; errors end the process with status 1 and say what to do.

// The doc comments of the argument types are clap's help text, where `<storage>` or `<fk>` is a
// placeholder the user reads, not an HTML tag, and `cat[Record]` a feature dtype, not a link.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

mod commands;
mod complete;
mod help;
mod hint;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    ///
    /// With --here, only for the working directory and the folders below it (a
    /// `.lamin/current_instance` file, as LaminDB writes it): the global current instance is
    /// left alone, and commands run there use this instance.
    ///
    /// Examples:
    ///   lamin connect me/mydata
    ///   cd ~/projects/rnaseq && lamin connect rnaseq --here
    #[command(verbatim_doc_comment)]
    Connect(commands::instance::ConnectArgs),
    /// Forget the current instance (nothing is deleted).
    ///
    /// With --here, remove the nearest `.lamin/current_instance` up from the working directory
    /// instead, leaving the global current instance alone.
    Disconnect(commands::instance::DisconnectArgs),
    /// Show the current instance: slug, storage, database (password redacted), user.
    Info(commands::instance::InfoArgs),
    /// Delete an instance, or a record of a registry (to the trash unless --permanent).
    ///
    /// Examples:
    ///   lamin delete instance mydata --force
    ///   lamin delete ulabel 4Rx2 --permanent
    #[command(verbatim_doc_comment)]
    Delete(commands::delete::DeleteArgs),
    /// Register, list, show and delete storage locations.
    #[command(subcommand)]
    Storage(commands::storage::StorageCommand),
    /// Create records: labels, projects, references, records, features and collections.
    ///
    /// Examples:
    ///   lamin create ulabel "T cell" "B cell"
    ///   lamin create ulabel --from-file names.txt
    ///   lamin create project "atlas 2026" --description "the cell atlas"
    ///   lamin create project "lung atlas" --parent "atlas 2026"
    ///   lamin create record samples --is-type && lamin create record s1 s2 --type samples
    ///   lamin create feature n_cells --dtype int
    ///   lamin create collection training-set --artifact 3TNCsZZc --artifact 8Hx2kQ4e
    #[command(verbatim_doc_comment)]
    Create(commands::create::CreateArgs),
    /// Change a record's name, description or other plain fields (validated first).
    ///
    /// Examples:
    ///   lamin update ulabel 4Rx2 --name "T cell" --description "from the atlas"
    ///   lamin update artifact 3TNCsZZc --description "raw counts"
    ///   lamin update ulabel 4Rx2 --set reference=CL:0000084
    #[command(verbatim_doc_comment)]
    Update(commands::records::UpdateArgs),
    /// Show one record by id, uid or uid prefix.
    Get(commands::records::GetArgs),
    /// List the records of a registry, filtered and ordered.
    ///
    /// Examples:
    ///   lamin list ulabel --filter 'name__startswith="cell"' --order-by -created_at --limit 10
    ///   lamin list artifact --filter 'storage__root__contains=data & !description__isnull=true'
    ///   lamin list storage --filter 'artifacts__key__endswith=.csv'
    #[command(verbatim_doc_comment)]
    List(commands::records::ListArgs),
    /// A registry's records as a DataFrame: a table, or CSV, JSON, NDJSON, Parquet, Arrow IPC.
    ///
    /// Columns are LaminDB's `to_dataframe()` columns (id, uid, direct fields, <fk>_id); the
    /// default limit is 100 records, newest first.
    ///
    /// Examples:
    ///   lamin df ulabel --filter 'name__startswith="cell"'
    ///   lamin df artifact --include created_by__handle,ulabels__name --features
    ///   lamin df ulabel --all -o labels.parquet
    ///   lamin df artifact --format csv > artifacts.csv
    #[command(verbatim_doc_comment)]
    #[cfg(feature = "frame")]
    Df(commands::df::DfArgs),
    /// Search a registry's string fields, ranked as LaminDB ranks (exact matches first).
    Search(commands::records::SearchArgs),
    /// Show auto-complete keys for the values of a field (LaminDB's `lookup()`).
    Lookup(commands::records::LookupArgs),
    /// Move a record from the trash back to the main branch.
    Restore(commands::records::RestoreArgs),
    /// Save files or folders as artifacts (copied into the default storage, or registered in
    /// place when they are inside a storage location).
    ///
    /// Examples:
    ///   lamin save data.csv --key raw/data.csv
    ///   lamin save ./images --one-per-file --description "microscopy run 3"
    #[command(verbatim_doc_comment)]
    Save(commands::artifact::SaveArgs),
    /// Print the local path of an artifact (downloaded into the cache from cloud storage), or
    /// its table with --df.
    Load(commands::artifact::LoadArgs),
    /// Check that the instance's records and bytes agree: database integrity, storage markers,
    /// missing or changed bytes, saves that did not finish, bytes no artifact refers to. Exits 1
    /// while problems remain.
    ///
    /// Examples:
    ///   lamin doctor
    ///   lamin doctor --fix
    ///   lamin doctor --verify-hashes --json
    #[command(verbatim_doc_comment)]
    Doctor(commands::doctor::DoctorArgs),
    /// Print a shell completion script: subcommands, flags and registry names.
    ///
    /// These scripts are static. For completions that also know the fields of the registry on
    /// the line (after --filter, --order-by, --field, --include) and your instances (after
    /// connect, --instance), let the shell ask `lamin` itself: `source <(COMPLETE=bash lamin)`
    /// in ~/.bashrc (zsh: COMPLETE=zsh; fish: `COMPLETE=fish lamin | source`).
    ///
    /// Examples:
    ///   source <(lamin completions bash)
    ///   lamin completions zsh > ~/.zfunc/_lamin
    ///   lamin completions fish > ~/.config/fish/completions/lamin.fish
    ///   source <(COMPLETE=bash lamin)
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page of lamin (roff), or write one per command into a folder.
    ///
    /// Examples:
    ///   lamin man | man -l -
    ///   lamin man --dir ~/.local/share/man/man1 && man lamin-save
    #[command(verbatim_doc_comment)]
    Man {
        /// Write `lamin.1` and `lamin-<command>.1` for every command (and subcommand) here.
        #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
        dir: Option<std::path::PathBuf>,
    },
    /// Track a run: of the calling shell script until `lamin finish`, or of one command after `--`.
    ///
    /// Without a command, the run belongs to the calling shell: `lamin save` and `lamin load` in
    /// that shell (and below it) record their artifacts as the run's outputs and inputs. With a
    /// command, it runs as the run: its output is passed through and kept as the run's report,
    /// its exit status is passed on, and `LAMIN_CURRENT_RUN_UID` tells the `lamin` commands it
    /// starts which run they belong to (a nested `lamin track -- …` records this run as the one
    /// that started it).
    ///
    /// Examples:
    ///   lamin track --key nightly-qc --param min_genes=200   (then lamin save …; lamin finish)
    ///   lamin track -- ./align.sh sample1.fastq
    ///   lamin track --key align --param threads=8 -- bwa mem ref.fa reads.fq
    #[command(verbatim_doc_comment)]
    Track(commands::track::TrackArgs),
    /// Annotate an artifact: add or remove ULabels, Projects and Records, set feature values
    /// (checked against each feature's dtype; nothing changes unless all fit).
    ///
    /// Examples:
    ///   lamin annotate artifact 3TNCsZZc --ulabel "T cell" --project atlas
    ///   lamin annotate artifact 3TNCsZZc --features n_cells=1200 --features tissue=lung
    ///   lamin annotate artifact 3TNCsZZc --remove-ulabel "T cell"
    #[command(verbatim_doc_comment)]
    Annotate(commands::annotate::AnnotateArgs),
    /// End the run that `lamin track` started for this shell (completed, or errored with --error).
    Finish(commands::track::FinishArgs),
    /// Describe a record: its fields and, for artifacts and runs, the lineage (the run that made
    /// it, its transform, its inputs and the runs that made those, as a tree).
    ///
    /// Examples:
    ///   lamin describe artifact 3TNCsZZc
    ///   lamin describe run 0jT3W1bc --depth 5 --json
    #[command(verbatim_doc_comment)]
    Describe(commands::describe::DescribeArgs),
    /// Read and change settings of the current instance.
    #[command(subcommand)]
    Settings(commands::storage::SettingsCommand),
    /// Transfer records of another instance into the current one: the metadata is copied (same
    /// uids), the bytes stay in the source's storage, registered here as a linked, read-only
    /// location. Labels, projects, records and features are matched by uid, else by name, and
    /// copied when missing; feature values come along. Records present already are left as they
    /// are, so transferring twice changes nothing. Only the latest version of an artifact is
    /// transferred. All in one transaction, recorded as a run of the transform
    /// `__lamindb_transfer__/<source instance uid>`.
    ///
    /// Examples:
    ///   lamin transfer artifact 3TNCsZZc --from lab/atlas
    ///   lamin transfer artifact --from ../atlas-data --filter 'key__startswith=raw/' --json
    ///   lamin transfer collection --from lab/atlas --filter key=training-set
    ///   lamin transfer ulabel --from lab/atlas --filter 'name__contains=T cell'
    #[command(verbatim_doc_comment)]
    Transfer(commands::transfer::TransferArgs),
    /// Export the current instance's tables as Parquet, import such an export, or move the
    /// instance to another database (SQLite → PostgreSQL and back).
    #[command(subcommand)]
    Io(commands::io::IoCommand),
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `COMPLETE=bash lamin …`: the shell asking for completions (answered, then exit).
    clap_complete::CompleteEnv::with_factory(|| help::grouped(Cli::command())).complete();
    let matches = help::grouped(Cli::command()).try_get_matches().unwrap_or_else(|e| clap_exit(e));
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| clap_exit(e));
    let result = match cli.command {
        Command::Init(args) => commands::instance::init(args),
        Command::Connect(args) => commands::instance::connect(args),
        Command::Disconnect(args) => commands::instance::disconnect(args),
        Command::Info(args) => commands::instance::info(args),
        Command::Delete(args) => commands::delete::run(args),
        Command::Storage(cmd) => commands::storage::run(cmd),
        Command::Settings(cmd) => commands::storage::settings(cmd),
        Command::Create(args) => commands::create::create(args),
        Command::Get(args) => commands::records::get(args),
        Command::Update(args) => commands::records::update(args),
        Command::List(args) => commands::records::list(args),
        #[cfg(feature = "frame")]
        Command::Df(args) => commands::df::run(args),
        Command::Search(args) => commands::records::run_search(args),
        Command::Lookup(args) => commands::records::run_lookup(args),
        Command::Restore(args) => commands::records::restore(args),
        Command::Save(args) => commands::artifact::save(args),
        Command::Load(args) => commands::artifact::load(args),
        Command::Doctor(args) => commands::doctor::run(args),
        Command::Track(args) => commands::track::track(args),
        Command::Annotate(args) => commands::annotate::run(args),
        Command::Finish(args) => commands::track::finish(args),
        Command::Describe(args) => commands::describe::run(args),
        Command::Transfer(args) => commands::transfer::run(args),
        Command::Io(cmd) => commands::io::run(cmd),
        Command::Man { dir } => help::man(dir.as_deref()),
        Command::Completions { shell } => completions(shell),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout went away (`lamin list ulabel | head -1`): it has what it wanted.
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e);
            ExitCode::FAILURE
        }
    }
}

/// `lamin completions <shell>`: the script is made in memory (clap_complete panics when its
/// writer fails), then written to stdout like any other output.
fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "lamin", &mut script);
    output::bytes(&script)?;
    Ok(())
}

/// Ends on a clap error: usage errors as clap prints them (status 2); `--help` and `--version`
/// on stdout, with a failed write reported as for every other output (status 1, or 0 quietly
/// on a broken pipe).
fn clap_exit(e: clap::Error) -> ! {
    if e.use_stderr() {
        e.exit();
    }
    match e.print() {
        Err(io) if io.kind() != std::io::ErrorKind::BrokenPipe => {
            output::error(&anyhow::Error::new(output::StdoutError::from(io)));
            std::process::exit(1)
        }
        _ => std::process::exit(e.exit_code()),
    }
}
