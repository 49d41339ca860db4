//! The packages as a user installs them. The Debian and RPM packages: each one's desktop entry
//! is valid and hands `switchboard://` links, through the desktop's own launcher (`gio open`), to
//! the packaged binary, which passes them on to the running app. The AppImage: a type-2 AppImage
//! whose image extracts, with a valid desktop entry at its root; run once, it registers the
//! scheme with its own file as the handler, and links reach the running app through it.
//! `make test` builds the packages first (`make package-debug`). One test at a time:
//! instances in one D-Bus session would hand over to each other.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use support::{require_display, RunningApp, APP};

const DESKTOP_ENTRY: &str = "Switchboard.desktop";
/// The entry the app writes when it registers the scheme itself (tauri-plugin-deep-link).
const HANDLER_ENTRY: &str = "switchboard-handler.desktop";
const SCHEME_MIME: &str = "x-scheme-handler/switchboard";

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The one file with `extension` that `make package-debug` left in bundle/<kind>/.
fn package_path(kind: &str, extension: &str) -> PathBuf {
    let bundle_dir = Path::new(APP).with_file_name("bundle").join(kind);
    let found: Vec<PathBuf> = std::fs::read_dir(&bundle_dir)
        .unwrap_or_else(|error| {
            panic!(
                "no package in {}: {error}; `make test` builds it first",
                bundle_dir.display()
            )
        })
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "exactly one package expected in {}: {found:?}",
        bundle_dir.display()
    );
    found.into_iter().next().unwrap_or_default()
}

fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("could not run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The scheme's default handler as the desktop (`xdg-mime`) answers it, in `desktop`'s env.
fn scheme_handler(desktop: &dyn Fn(&str) -> Command) -> String {
    let handler = run(desktop("xdg-mime").args(["query", "default", SCHEME_MIME]));
    String::from_utf8_lossy(&handler.stdout).trim().to_owned()
}

/// Opens a sign-in callback link as the desktop does and checks the running app got it, never
/// logging its query, and kept running.
fn deliver_link(app: &mut RunningApp, desktop: &dyn Fn(&str) -> Command, secret: &str) {
    let link = format!("switchboard://oauth/callback/notion?code={secret}&state=s");
    run(desktop("gio").args(["open", &link]));
    let logs = app.wait_for_log("the link opened through the package", |logs| {
        logs.contains("deep link received") && logs.contains("notion")
    });
    assert!(!logs.contains(secret), "the link's query must never be logged");
    assert!(app.is_running(), "the running app keeps running after the handover");
}

#[test]
fn the_packaged_desktop_entry_delivers_links_to_the_running_app() {
    require_display();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = tempfile::tempdir().expect("a place to unpack the package");
    run(Command::new("dpkg-deb")
        .arg("-x")
        .arg(package_path("deb", "deb"))
        .arg(root.path()));
    links_reach_the_app_through_the_unpacked_package(root.path(), "packaged-secret");
}

#[test]
fn the_rpm_desktop_entry_delivers_links_to_the_running_app() {
    require_display();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = tempfile::tempdir().expect("a place to unpack the package");
    let rpm = package_path("rpm", "rpm");
    let unpack = format!(
        "rpm2cpio '{}' | cpio --quiet -idm --no-absolute-filenames",
        rpm.display()
    );
    run(Command::new("sh").args(["-c", &unpack]).current_dir(root.path()));
    links_reach_the_app_through_the_unpacked_package(root.path(), "rpm-secret");
}

/// The package unpacked at `root` stands in for an installed one: its entry is valid, is made
/// the scheme's handler, and a link opened by the desktop reaches the running app through it.
fn links_reach_the_app_through_the_unpacked_package(root: &Path, secret: &str) {
    let share = root.join("usr/share");
    let entry = share.join("applications").join(DESKTOP_ENTRY);
    run(Command::new("desktop-file-validate").arg(&entry));

    // The unpacked package stands in for /usr: its binary first on PATH, its entry first in
    // XDG_DATA_DIRS; a private config dir keeps the association out of the session's HOME.
    let config = tempfile::tempdir().expect("a private XDG config dir");
    let path = format!(
        "{}:{}",
        root.join("usr/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let data_dirs = format!("{}:/usr/local/share:/usr/share", share.display());
    let data = tempfile::tempdir().expect("a private data dir");
    let desktop_env = [
        ("PATH", path.as_str()),
        ("XDG_DATA_DIRS", data_dirs.as_str()),
        ("XDG_CONFIG_HOME", config.path().to_str().unwrap_or_default()),
    ];
    let mut app = RunningApp::launch(data.path(), &[], &desktop_env);
    // A development build registers its own handler at start; the package's must win after.
    app.wait_for_log("its own scheme registration", |logs| {
        logs.contains("deep-link scheme registered")
    });
    let desktop = |program: &str| {
        let mut command = Command::new(program);
        command.envs(desktop_env).env("SWITCHBOARD_DATA_DIR", data.path());
        command
    };
    run(desktop("xdg-mime").args(["default", DESKTOP_ENTRY, SCHEME_MIME]));
    assert_eq!(
        scheme_handler(&desktop),
        DESKTOP_ENTRY,
        "the package's entry must now handle switchboard:// links"
    );
    deliver_link(&mut app, &desktop, secret);
}

#[test]
fn the_appimage_registers_itself_for_links_when_first_run_and_delivers_them() {
    require_display();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let appimage = package_path("appimage", "AppImage");
    let appimage = appimage.canonicalize().unwrap_or(appimage);

    // A type-2 AppImage: the magic in its ELF header, the squashfs image where the ELF ends.
    let mut header = [0u8; 64];
    std::fs::File::open(&appimage)
        .and_then(|mut file| file.read_exact(&mut header))
        .unwrap_or_else(|error| panic!("read {}: {error}", appimage.display()));
    assert_eq!(&header[8..11], b"AI\x02", "the AppImage type-2 magic at byte 8");
    let field = |at: usize, len: usize| {
        header[at..at + len]
            .iter()
            .rev()
            .fold(0u64, |v, b| v << 8 | u64::from(*b))
    };
    let elf_end = field(0x28, 8) + field(0x3a, 2) * field(0x3c, 2);
    let said = run(Command::new(&appimage).arg("--appimage-offset"));
    let offset: u64 = String::from_utf8_lossy(&said.stdout)
        .trim()
        .parse()
        .expect("--appimage-offset prints a number");
    assert_eq!(offset, elf_end, "the image starts where the runtime's ELF ends");
    let bytes = std::fs::read(&appimage).expect("read the AppImage");
    assert_eq!(
        &bytes[offset as usize..offset as usize + 4],
        b"hsqs",
        "a squashfs image at the offset"
    );

    // Its root as the AppImage spec wants it: AppRun, a valid desktop entry handling the
    // scheme, the icon.
    let extracted = tempfile::tempdir().expect("a place to extract the AppImage");
    run(Command::new(&appimage)
        .arg("--appimage-extract")
        .current_dir(extracted.path()));
    let root = extracted.path().join("squashfs-root");
    let entry = root.join(DESKTOP_ENTRY);
    run(Command::new("desktop-file-validate").arg(&entry));
    let text = std::fs::read_to_string(&entry).expect("read the root desktop entry");
    let mime_types = text
        .lines()
        .find_map(|line| line.strip_prefix("MimeType="))
        .unwrap_or_default();
    assert!(
        mime_types.split(';').any(|mime| mime == SCHEME_MIME),
        "the root desktop entry's MimeType names {SCHEME_MIME}: {text}"
    );
    for file in ["AppRun", "usr/bin/switchboard", "switchboard.png", ".DirIcon"] {
        assert!(root.join(file).exists(), "the AppImage holds {file}");
    }

    // Run it as a user would, in a private HOME: the first start extracts it into the cache
    // and registers the scheme, the AppImage way of installing.
    let home = tempfile::tempdir().expect("a private HOME");
    let home_dir = |dir: &str| home.path().join(dir).display().to_string();
    let (config, data_home, cache) = (home_dir(".config"), home_dir(".local/share"), home_dir(".cache"));
    let desktop_env = [
        ("HOME", home.path().to_str().unwrap_or_default()),
        ("XDG_CONFIG_HOME", config.as_str()),
        ("XDG_DATA_HOME", data_home.as_str()),
        ("XDG_CACHE_HOME", cache.as_str()),
    ];
    let data = tempfile::tempdir().expect("a private data dir");
    let mut app = RunningApp::launch_program(&appimage, data.path(), &[], &desktop_env);
    app.wait_for_log("its scheme registration", |logs| {
        logs.contains("deep-link scheme registered")
    });
    let desktop = |program: &str| {
        let mut command = Command::new(program);
        command.envs(desktop_env).env("SWITCHBOARD_DATA_DIR", data.path());
        command
    };
    assert_eq!(
        scheme_handler(&desktop),
        HANDLER_ENTRY,
        "the AppImage registers its own handler"
    );
    let handler = Path::new(&data_home).join("applications").join(HANDLER_ENTRY);
    let handler =
        std::fs::read_to_string(&handler).unwrap_or_else(|error| panic!("read {}: {error}", handler.display()));
    assert!(
        handler
            .lines()
            .any(|line| line == format!("Exec=\"{}\" %u", appimage.display())),
        "the handler runs the AppImage itself (so links work after the cache is cleared): {handler}"
    );
    let trees = std::fs::read_dir(Path::new(&cache).join("switchboard/appimage"))
        .map(|dir| dir.filter_map(Result::ok).count())
        .unwrap_or_default();
    assert_eq!(trees, 1, "the first start extracted the AppImage into the cache, once");

    deliver_link(&mut app, &desktop, "appimage-secret");
}
