//! The window test's frame measurements: the scripts that note when a listing arrives and
//! time each animation frame while the list scrolls (at a person's pace, or top to bottom),
//! a bare virtual list to compare with, and the report written to picker-scroll.txt.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::ARCHIVE_FILES;

/// How long the frames after the listing are watched, in ms.
pub const AFTER_LISTING_MS: u32 = 6_000;
/// A person's scrolling pace for the steady measurement: 2,400 px/s, 40 px a frame at 60 Hz.
pub const PACE: u32 = 2_400;

/// Before the Archive is opened: notes when it is opened (Enter or a double-click), when its first row
/// is in the DOM (and the frame after, when it has been painted), when the count first reads
/// 10,000 and when the listing has finished.
pub const WATCH_ARRIVAL: &str = "const arrival = { opened: null, firstRow: null, firstRowPainted: null, all: null, settled: null };
window.__arrival = arrival;
const opened = (event) => {
  if (event.type === 'keydown' && event.key !== 'Enter') return;
  arrival.opened ??= performance.now();
  check();
};
document.addEventListener('dblclick', opened, { capture: true });
document.addEventListener('keydown', opened, { capture: true });
const check = () => {
  const now = performance.now();
  if (arrival.opened === null) return;
  if (arrival.firstRow === null) {
    const names = [...document.querySelectorAll('[data-testid=picker-row] .name')];
    if (names.some((name) => name.textContent.startsWith('Archived '))) {
      arrival.firstRow = now;
      requestAnimationFrame(() => requestAnimationFrame(() => { arrival.firstRowPainted = performance.now(); }));
    }
  }
  const count = document.querySelector('[data-picker-count]')?.textContent ?? '';
  if (count.replace(/[^0-9]/g, '').startsWith('10000')) {
    arrival.all ??= now;
    if (!count.includes('loading') && document.querySelector('[data-testid=picker-list]')?.getAttribute('aria-busy') !== 'true') {
      arrival.settled ??= now;
      observer.disconnect();
    }
  }
};
const observer = new MutationObserver(check);
observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'] });";

/// Resolves with the arrival marks once the listing has settled (or as they are after 40 s).
pub const ARRIVED: &str = "const done = arguments[arguments.length - 1];
const started = performance.now();
const poll = () => {
  const arrival = window.__arrival;
  const finished = arrival && arrival.settled !== null && arrival.firstRowPainted !== null;
  if (finished || performance.now() - started > 40000) done(arrival ?? null); else setTimeout(poll, 20);
};
poll();";

/// The benchmark and a steadier one, on the list `arguments[0]`: from its top, one step
/// per animation frame for 3 s, either to the bottom (`arguments[1]` null: ~14,000 px a frame,
/// so every frame shows new rows) or at `arguments[1]` px per second (a person's wheel). Records
/// each frame's length (performance.now() from one frame to the next) and any long animation
/// frames or long tasks the engine reports; then says which picker rows are in the DOM where it
/// stopped.
pub const SCROLL: &str = "const done = arguments[arguments.length - 1];
const [selector, pace] = arguments;
const list = document.querySelector(selector);
const supported = (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes) || [];
const watched = ['long-animation-frame', 'longtask'].filter((type) => supported.includes(type));
const long = [];
const observer = watched.length === 0 ? null : new PerformanceObserver((entries) => {
  for (const entry of entries.getEntries()) long.push({ type: entry.entryType, duration: entry.duration });
});
for (const type of watched) observer.observe({ type, buffered: false });
const end = list.scrollHeight - list.clientHeight;
const span = 3000;
const distance = pace === null ? end : Math.min(end, Math.round((pace * span) / 1000));
const frames = [];
let start = null;
let last = null;
const step = () => {
  const now = performance.now();
  if (start === null) start = now; else frames.push(now - last);
  last = now;
  const progress = Math.min(1, (now - start) / span);
  list.scrollTop = Math.round(progress * distance);
  requestAnimationFrame(progress < 1 ? step : settle);
};
// Two more frames: the last scroll's event, then its rows drawn.
const settle = () => {
  const now = performance.now();
  frames.push(now - last);
  last = now;
  requestAnimationFrame(() => {
    frames.push(performance.now() - last);
    observer?.disconnect();
    const rows = [...list.querySelectorAll('[data-testid=picker-row]')];
    done({ frames, long, supported, rows: rows.length, ids: rows.map((row) => row.dataset.id), scrollTop: list.scrollTop, end, distance });
  });
};
list.scrollTop = 0;
requestAnimationFrame(step);";

/// Every frame's length for `arguments[0]` ms from now, to see what the window does once a
/// listing has finished.
pub const FRAMES_FOR: &str = "const done = arguments[arguments.length - 1];
const span = arguments[0];
const started = performance.now();
const frames = [];
let last = started;
const frame = () => {
  const now = performance.now();
  frames.push(now - last);
  last = now;
  if (now - started < span) requestAnimationFrame(frame); else done({ frames });
};
requestAnimationFrame(frame);";

/// Waits until 30 frames in a row come within 25 ms of each other (nothing changing on
/// screen), 15 s at most; answers how long that took and those frames.
pub const CALM: &str = "const done = arguments[arguments.length - 1];
const started = performance.now();
const recent = [];
let last = started;
const frame = () => {
  const now = performance.now();
  recent.push(now - last);
  last = now;
  while (recent.length > 30) recent.shift();
  const calm = recent.length === 30 && recent.every((length) => length < 25);
  if (calm || now - started > 15000) done({ calm, waited: now - started - (calm ? recent.reduce((a, b) => a + b, 0) : 0), frames: recent });
  else requestAnimationFrame(frame);
};
requestAnimationFrame(frame);";

/// For reference: a bare virtual list (text rows, absolutely placed, redrawn on scroll) of the
/// same 10,000 rows of 44 px, laid over the picker's list at the same place and size.
pub const REFERENCE_LIST: &str = "const over = document.querySelector('[data-testid=picker-list]').getBoundingClientRect();
const box = document.createElement('div');
box.id = 'scroll-reference';
box.style.cssText = `position:fixed;left:${over.left}px;top:${over.top}px;width:${over.width}px;height:${over.height}px;overflow-y:auto;background:#fff;z-index:1000`;
const space = document.createElement('div');
space.style.cssText = 'position:relative;height:440000px';
box.appendChild(space);
document.body.appendChild(box);
const draw = () => {
  const first = Math.max(0, Math.floor(box.scrollTop / 44) - 6);
  const last = Math.min(10000, Math.ceil((box.scrollTop + over.height) / 44) + 6);
  space.textContent = '';
  for (let index = first; index < last; index += 1) {
    const row = document.createElement('div');
    row.style.cssText = `position:absolute;left:0;right:0;height:44px;transform:translateY(${index * 44}px)`;
    const name = document.createElement('div');
    name.textContent = `Archived file ${index}`;
    const detail = document.createElement('div');
    detail.textContent = 'Document · 2025-01-01';
    row.append(name, detail);
    space.appendChild(row);
  }
};
box.addEventListener('scroll', draw);
draw();";

/// Frame times summed up: median, 95th percentile, max, and how many missed 60 Hz (16.7 ms)
/// and how many were slow enough to see (50 ms).
pub struct Frames {
    count: usize,
    median: f64,
    p95: f64,
    max: f64,
    over_16: usize,
    over_50: usize,
}

impl Frames {
    pub fn of(frames: &[f64]) -> Self {
        let mut sorted = frames.to_vec();
        sorted.sort_by(f64::total_cmp);
        let at = |share: f64| {
            let rank = (share * sorted.len() as f64).ceil() as usize;
            sorted
                .get(rank.clamp(1, sorted.len().max(1)) - 1)
                .copied()
                .unwrap_or(f64::NAN)
        };
        Self {
            count: sorted.len(),
            median: at(0.5),
            p95: at(0.95),
            max: sorted.last().copied().unwrap_or(f64::NAN),
            over_16: sorted.iter().filter(|&&frame| frame > 16.7).count(),
            over_50: sorted.iter().filter(|&&frame| frame > 50.0).count(),
        }
    }

    pub fn line(&self) -> String {
        format!(
            "{} frames; median {:.1} ms, p95 {:.1} ms, max {:.1} ms; over 16.7 ms: {}, over 50 ms: {}",
            self.count, self.median, self.p95, self.max, self.over_16, self.over_50
        )
    }
}

pub fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect()
}

/// What the window answered while the Archive arrived and scrolled.
pub struct Measured {
    pub arrival: Value,
    pub after_listing: Value,
    pub calm: Value,
    pub paced: Value,
    pub scrolled: Value,
    pub reference_paced: Value,
    pub reference: Value,
}

/// The figures in words, as picker-scroll.txt holds them.
pub fn report(measured: &Measured) -> String {
    let Measured {
        arrival,
        after_listing,
        calm,
        paced,
        scrolled,
        reference_paced,
        reference,
    } = measured;
    let since_open =
        |mark: &str| arrival[mark].as_f64().unwrap_or(f64::NAN) - arrival["opened"].as_f64().unwrap_or(f64::NAN);
    let idle = Frames::of(&numbers(&calm["frames"]));
    let long: Vec<String> = [&paced, &scrolled]
        .into_iter()
        .flat_map(|run| run["long"].as_array().cloned().unwrap_or_default())
        .map(|entry| {
            format!(
                "{} {:.1} ms",
                entry["type"].as_str().unwrap_or("?"),
                entry["duration"].as_f64().unwrap_or(0.0)
            )
        })
        .collect();
    let frame_list = |frames: &Value| {
        numbers(frames)
            .iter()
            .map(|frame| format!("{frame:.0}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut report = String::new();
    let _ = writeln!(
        report,
        "Picker in the window, My Drive › Archive ({ARCHIVE_FILES} files); app debug build, WebKitGTK under Xvfb"
    );
    let _ = writeln!(report, "arrival, from Enter on Archive:");
    let _ = writeln!(
        report,
        "  first row in the DOM:          {:.0} ms",
        since_open("firstRow")
    );
    let _ = writeln!(
        report,
        "  first row drawn (2 frames on): {:.0} ms",
        since_open("firstRowPainted")
    );
    let _ = writeln!(report, "  count reads 10,000:            {:.0} ms", since_open("all"));
    let _ = writeln!(
        report,
        "  listing finished:              {:.0} ms",
        since_open("settled")
    );
    let after = numbers(&after_listing["frames"]);
    let mut elapsed = 0.0;
    let (mut slow, mut slow_time, mut last_slow_end) = (0, 0.0, None);
    for frame in &after {
        elapsed += frame;
        if *frame > 50.0 {
            slow += 1;
            slow_time += frame;
            last_slow_end = Some(elapsed);
        }
    }
    let _ = writeln!(
        report,
        "  the {AFTER_LISTING_MS} ms after the listing finished: {}; {slow} over 50 ms, {slow_time:.0} ms in all{}",
        Frames::of(&after).line().split(';').next().unwrap_or_default(),
        last_slow_end.map_or(String::new(), |end| format!(", the last ending at {end:.0} ms"))
    );
    let _ = writeln!(
        report,
        "  then idle frames were back under 25 ms after another {:.0} ms{}",
        calm["waited"].as_f64().unwrap_or(f64::NAN),
        if calm["calm"] == json!(true) {
            ""
        } else {
            " (they never were, within 15 s)"
        }
    );
    let _ = writeln!(
        report,
        "  frames after the listing (ms, in order): {}",
        frame_list(&after_listing["frames"])
    );
    let _ = writeln!(report, "idle baseline (last 30 frames):  {}", idle.line());
    for (title, picker, bare) in [
        (
            format!(
                "scroll at a person's pace ({PACE} px/s, ~40 px a frame at 60 Hz; {} px) over 3 s from the top:",
                paced["distance"]
            ),
            &paced,
            &reference_paced,
        ),
        (
            format!(
                "scroll top to bottom ({} px) over 3 s, one step per requestAnimationFrame:",
                scrolled["distance"]
            ),
            &scrolled,
            &reference,
        ),
    ] {
        let _ = writeln!(report, "{title}");
        let _ = writeln!(
            report,
            "  picker list:                   {}",
            Frames::of(&numbers(&picker["frames"])).line()
        );
        let _ = writeln!(
            report,
            "  bare virtual list, same size:  {}",
            Frames::of(&numbers(&bare["frames"])).line()
        );
        let _ = writeln!(report, "  picker rows in the DOM at the end: {}", picker["rows"]);
        let _ = writeln!(
            report,
            "  picker frames (ms, in order): {}",
            frame_list(&picker["frames"])
        );
        let _ = writeln!(
            report,
            "  bare list frames (ms, in order): {}",
            frame_list(&bare["frames"])
        );
    }
    let _ = writeln!(
        report,
        "long-animation-frame/longtask entries while the picker scrolled: {} (entry types this engine supports: {})",
        if long.is_empty() {
            "none".to_owned()
        } else {
            long.join(", ")
        },
        scrolled["supported"]
    );
    report
}
