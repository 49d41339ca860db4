//! Starts Switchboard: sets how WebKit runs the page (`web_process.rs`), then runs the app. Launch
//! arguments that are not valid UTF-8 are dropped first (by re-executing without them): a deep
//! link is text, and the deep-link plugin reads the arguments with `std::env::args`, which would
//! panic on them.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    switchboard_lib::configure_web_process();
    #[cfg(unix)]
    drop_non_utf8_arguments();
    switchboard_lib::run();
}

#[cfg(unix)]
fn drop_non_utf8_arguments() {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let program = args.next();
    let rest: Vec<_> = args.collect();
    if rest.iter().all(|arg| arg.to_str().is_some()) {
        return;
    }
    let kept = rest.into_iter().filter(|arg| arg.to_str().is_some());
    let exe = std::env::current_exe().ok().or(program.map(Into::into));
    if let Some(exe) = exe {
        eprintln!("switchboard: ignoring launch arguments that are not valid UTF-8");
        let error = std::process::Command::new(exe).args(kept).exec();
        eprintln!("switchboard: could not restart without them: {error}");
    }
    std::process::exit(2);
}
