//! How the window's web view draws: without GPU compositing (Linux).
//!
//! Switchboard's page is text, forms and lists: no 3D transforms, video or WebGL. WebKitGTK's
//! default policy composites every page on the GPU anyway, and without a GPU (a virtual
//! machine, a remote desktop, a headless session) that goes through Mesa's software GL, which
//! costs the idle web process about 70 MB (tests/bench/startup.sh: 118 MiB instead of 190 MiB,
//! the whole app 0.96× an empty Tauri window instead of 1.27×) and buys nothing visible: the
//! page still animates and scrolls, painted by the CPU. The same setting also steers clear of
//! the GPU path's blank-window bugs on some drivers. It is a setting of this one web view
//! (never an environment variable, which the browser opened for sign-in would inherit).

/// Turns GPU compositing off for the window's web view; the page keeps every feature.
pub fn draw_without_gpu_compositing(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        let applied = window.with_webview(|webview| {
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(error) = applied {
            tracing::warn!(%error, "could not set how the window draws; WebKit's default is used");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
