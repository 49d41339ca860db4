//! Compiles in the built-in clients file a distributor names with `SWITCHBOARD_CLIENTS` (an
//! absolute path, or one relative to the workspace root), after reading it against the
//! catalogue: a bad file fails the build with the key at fault. Without it, the build ships no
//! client and every OAuth provider is set up in Settings, as before.

use std::path::{Path, PathBuf};

#[path = "src/catalog/clients_file.rs"]
mod clients_file;

const CLIENTS_ENV: &str = "SWITCHBOARD_CLIENTS";

fn main() {
    println!("cargo:rerun-if-env-changed={CLIENTS_ENV}");
    println!("cargo:rerun-if-changed=catalog");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let text = match std::env::var_os(CLIENTS_ENV).filter(|value| !value.is_empty()) {
        None => String::new(),
        Some(named) => {
            let path = manifest.join("../..").join(PathBuf::from(named));
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| fail(&format!("{CLIENTS_ENV}={}: cannot read it: {error}", path.display())));
            let catalogue = catalogue_texts(&manifest.join("catalog"));
            let refs: Vec<&str> = catalogue.iter().map(String::as_str).collect();
            if let Err(error) = clients_file::read_clients_file(&text, &refs) {
                fail(&format!("{CLIENTS_ENV}={}: {error}", path.display()));
            }
            text
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("built_in_clients.toml");
    std::fs::write(&out, text).unwrap_or_else(|error| fail(&format!("cannot write {}: {error}", out.display())));
}

fn catalogue_texts(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|error| fail(&format!("{}: {error}", dir.display())));
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            std::fs::read_to_string(&path).unwrap_or_else(|error| fail(&format!("{}: {error}", path.display())))
        })
        .collect()
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
