//! Logging with `tracing`: to stderr and, for the app, to a daily-rolling file in the log
//! directory. Filter with `SWITCHBOARD_LOG` (e.g. `debug`). Never given secrets to print:
//! secret values are `Sensitive` and print `<redacted>`.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
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
    let filter = || EnvFilter::try_from_env(LOG_FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default_level));
    let stderr = fmt::layer().with_writer(std::io::stderr).with_filter(filter());
    let (file_layer, guard) = match log_dir {
        Some(dir) => {
            let appender = tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(crate::paths::LOG_FILE_PREFIX)
                .max_log_files(14)
                .build(dir)
                .map_err(|error| LoggingError(error.to_string()))?;
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer().with_writer(writer).with_ansi(false).with_filter(filter());
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init()
        .map_err(|error| LoggingError(error.to_string()))?;
    Ok(LogGuard { _file: guard })
}
