//! An empty Tauri window: the baseline Switchboard's start-up time and memory are compared with.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            eprintln!("empty-window: {error}");
            std::process::exit(1);
        });
}
