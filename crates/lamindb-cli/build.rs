//! Links `lamin` as a position-dependent executable on Linux (`-no-pie`).
//!
//! A position-independent `lamin` carries 126 000 relative relocations (3 MB of `.rela.dyn`)
//! that the dynamic loader applies at every start, writing into 2.6 MB of `.data.rel.ro`: most
//! of the start-up time and half the peak memory of `lamin info`. Linked at a fixed address,
//! those are resolved once by the linker. The price is that the executable's own code is not
//! placed at a random address (libraries, stack and heap still are).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
