fn main() {
    // tauri-build does not ask to rerun when a capability file changes; without this an edited
    // capability would silently keep the old permissions until something else rebuilt the app.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"))
        .expect("tauri build configuration must be valid");
}
