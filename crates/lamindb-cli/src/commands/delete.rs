//! `lamin delete <instance|registry> <name|idlike>`: one entry point for deleting things.

use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// What to delete: `instance`, or a registry name (case-insensitive).
    entity: String,
    /// The instance name (`owner/name` or `name`), or the record's id, uid or uid prefix.
    target: String,
    /// Confirm deleting an instance (required: `lamin` never prompts).
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: DeleteArgs) -> anyhow::Result<()> {
    match args.entity.to_ascii_lowercase().as_str() {
        "instance" => super::instance::delete(&args.target, args.force),
        other => anyhow::bail!("cannot delete '{other}': use `lamin delete instance <name> --force`"),
    }
}
