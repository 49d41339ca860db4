//! How WebKit's web process runs the page, set through the environment it inherits, unless the
//! environment already says otherwise (a person's own `WEBKIT_SKIA_*` or `JSC_*` setting wins).
//!
//! Idle memory, measured by `tests/bench/startup.sh` against an empty Tauri window under Xvfb
//! (issue 11, item 10), went from 1.26× to 1.14× with these and a bitmap sidebar logo:
//! - Skia paints on the CPU (`WEBKIT_SKIA_ENABLE_CPU_RENDERING`): painting text and forms on the
//!   GPU kept glyph, path and gradient caches as textures, about 30 MB under software GL. Tiles
//!   are still composited on the GPU, so scrolling and `requestAnimationFrame` behave as before
//!   (turning compositing off instead saved as much but stopped animation frames after the
//!   picker's 10,000-file listing).
//! - On the web process's main thread (`WEBKIT_SKIA_CPU_PAINTING_THREADS=0`): the pages are
//!   small; painting threads held about 8 MB.
//! - JavaScript without the JIT (`JSC_useJIT=0`): the UI's script is event handlers and
//!   rendering, not computation; the JIT's code and compiled functions held 8-13 MB. (Less code
//!   generated at run time is also less attack surface.)

const SETTINGS: [(&str, &str); 3] = [
    ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1"),
    ("WEBKIT_SKIA_CPU_PAINTING_THREADS", "0"),
    ("JSC_useJIT", "0"),
];

/// Sets the variables the web process inherits. Call it first in `main`, before any thread
/// starts (setting the environment is not thread-safe).
pub fn configure_web_process() {
    for (name, value) in SETTINGS {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}
