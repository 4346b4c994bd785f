//! Link settings of `lamin` on Linux.
//!
//! - `-no-pie`: a position-independent `lamin` carries 126 000 relative relocations (3 MB of
//!   `.rela.dyn`) that the dynamic loader applies at every start, writing into 2.6 MB of
//!   `.data.rel.ro`: most of the start-up time and half the peak memory of `lamin info`. Linked
//!   at a fixed address, those are resolved once by the linker. The price is that the
//!   executable's own code is not placed at a random address (libraries, stack and heap still
//!   are).
//! - `startup.order` (x86_64, where rustc links with LLD): the functions that `lamin info`,
//!   `get`, `list` and `search` run, placed together at the start of the code. The kernel maps
//!   64 KiB of the binary around each page a process touches; with those functions spread over
//!   37 MB of code, `lamin get` had 4.8 MiB of code resident, of which it ran a fraction.
//!   `cargo xtask order-file` writes the list from the release build (the names carry hashes
//!   of the crate graph: rerun it after updating dependencies or the toolchain; names that no
//!   longer exist are ignored, so a stale list costs memory, never correctness).
//!   `LAMIN_LINK_MAP=<file>` also writes the linker's map, which that task reads.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=startup.order");
    println!("cargo:rerun-if-env-changed=LAMIN_LINK_MAP");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    // rustc links x86_64-unknown-linux-gnu with its own LLD unless told otherwise.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let lld = var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && !flags.contains("linker-features=-lld")
        && !flags.contains("fuse-ld");
    let source = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("startup.order");
    // The linker reads a copy in the build's own directory: the output of this script is kept
    // in the target directory and reused by any checkout that shares it (and whose list is not
    // newer), so a path into this checkout could point at one that is gone.
    let order = std::path::Path::new(&var("OUT_DIR")).join("startup.order");
    if lld && std::fs::copy(&source, &order).is_ok() {
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        let map = var("LAMIN_LINK_MAP");
        if !map.is_empty() {
            println!("cargo:rustc-link-arg-bins=-Wl,-Map={map}");
        }
    }
}
