//! `lamin delete <instance|registry> <name|idlike>`: one entry point for deleting things.
//!
//! Records go to the trash unless `--permanent`; storage locations follow their own lifecycle.

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
    /// Delete the record from the database instead of moving it to the trash.
    #[arg(long)]
    permanent: bool,
    /// Artifacts: keep the bytes in storage (default for real keys).
    #[arg(long)]
    keep_data: bool,
    /// Artifacts: also delete the bytes of an artifact registered in place (a real key).
    #[arg(long)]
    delete_data: bool,
}

pub(crate) fn run(args: DeleteArgs) -> anyhow::Result<()> {
    match args.entity.to_ascii_lowercase().as_str() {
        "instance" => super::instance::delete(&args.target, args.force),
        "storage" => super::storage::delete(&args.target),
        "artifact" => super::artifact::delete(&args.target, args.permanent, args.keep_data, args.delete_data),
        _ => super::records::delete(&args.entity, &args.target, args.permanent),
    }
}
