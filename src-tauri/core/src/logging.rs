//! Logging with `tracing`: to stderr and, for the app, to a daily-rolling file in the log
//! directory. Filter with `SWITCHBOARD_LOG` (e.g. `debug`). Never given secrets to print:
//! secret values are `Sensitive` and print `<redacted>`.
//!
//! Files are plain text: stderr is coloured only when it is a terminal, and the file formats
//! span fields with its own formatter type ([`PlainFields`]). `tracing-subscriber` keeps a
//! span's formatted fields per formatter type, so with one shared type the file would reuse
//! the fields the coloured layer formatted first, escape codes and all.

use std::io::IsTerminal;
use std::path::Path;

use tracing::Subscriber;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{DefaultFields, Writer};
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

pub const LOG_FILTER_ENV: &str = "SWITCHBOARD_LOG";

/// Keeps the file writer flushing; drop it last, at exit.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

#[derive(Debug, thiserror::Error)]
#[error("could not start logging: {0}")]
pub struct LoggingError(String);

/// Starts logging to stderr at `default_level`, and to `log_dir` when given.
pub fn init_logging(log_dir: Option<&Path>, default_level: &str) -> Result<LogGuard, LoggingError> {
    let colours = std::io::stderr().is_terminal();
    let (subscriber, guard) = subscriber(log_dir, default_level, colours)?;
    subscriber.try_init().map_err(|error| LoggingError(error.to_string()))?;
    Ok(guard)
}

/// The stderr layer (coloured when `colours`) and the file layer, not yet installed.
fn subscriber(
    log_dir: Option<&Path>,
    default_level: &str,
    colours: bool,
) -> Result<(impl Subscriber + Send + Sync, LogGuard), LoggingError> {
    let filter = || EnvFilter::try_from_env(LOG_FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default_level));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(colours)
        .with_filter(filter());
    let (file_layer, guard) = match log_dir {
        Some(dir) => {
            let appender = tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(crate::paths::LOG_FILE_PREFIX)
                .max_log_files(14)
                .build(dir)
                .map_err(|error| LoggingError(error.to_string()))?;
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .fmt_fields(PlainFields::default())
                .with_filter(filter());
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let subscriber = tracing_subscriber::registry().with(stderr).with(file_layer);
    Ok((subscriber, LogGuard { _file: guard }))
}

/// The default field format under a type of the file's own, so its span fields are formatted
/// for the file and not borrowed from the coloured layer.
#[derive(Default)]
struct PlainFields(DefaultFields);

impl<'writer> FormatFields<'writer> for PlainFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> std::fmt::Result {
        self.0.format_fields(writer, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_files_hold_no_terminal_escape_codes_even_when_stderr_is_coloured() {
        let dir = tempfile::tempdir().expect("a log dir");
        let (subscriber, guard) = subscriber(Some(dir.path()), "info", true).expect("a subscriber");
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("exchange_code_with", client_id = "the-client");
            let _entered = span.enter();
            tracing::info!(attempt = 1, "asking for a token");
        });
        drop(guard); // flushes the file
        let mut written = Vec::new();
        for entry in std::fs::read_dir(dir.path()).expect("the log dir") {
            written.extend(std::fs::read(entry.expect("an entry").path()).expect("a log file"));
        }
        let text = String::from_utf8_lossy(&written);
        assert!(
            text.contains("exchange_code_with{client_id=\"the-client\"}"),
            "the span and its fields are in the file: {text}"
        );
        assert!(
            !written.contains(&0x1b),
            "a log file must be plain text, without ESC (0x1B) colour codes: {text:?}"
        );
    }
}
