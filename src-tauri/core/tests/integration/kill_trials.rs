//! Random SIGKILL trials (issue 13): switchboard-cli runs one operation at a time on a data
//! folder (refresh, rename, enable, disable, or connect through the browser flow against a
//! rotating GitHub double) and is SIGKILLed at a uniform random moment of it. After each kill
//! the database must pass `integrity_check`, every acknowledged operation (exit 0, its answer
//! printed) must be there with its audit row, a killed one must be there with its audit row
//! or not at all, and the connection it touched must renew (or be marked as needing
//! re-authorization, with its reason). At the end every connection is checked the same way.
//! The kill comes after a delay drawn uniformly from [0, T], T the longest of two uncut runs
//! of that operation. The double refuses a spent refresh token, so a kill after it answered a
//! renewal but before the new tokens were saved leaves a connection that its next renewal
//! marks for re-authorization, as a rotating provider would have it.
//! Ignored by default (it runs switchboard-cli some 300 times: about 20 s); run it, with its
//! figures printed, with
//!
//! ```text
//! tests/session.sh cargo test -p switchboard-core --test integration kill_trials -- --ignored --nocapture
//! ```
//!
//! `SWITCHBOARD_KILL_TRIALS` sets the number of trials (default 120; more run until
//! `SWITCHBOARD_KILL_KILLS`, default 100, kills have landed mid-operation), and
//! `SWITCHBOARD_KILL_SEED` repeats a run's operations and kill delays (its seed is printed first).

use crate::support::cli_run::{run_cli, Run};
use crate::support::connector::Harness;
use crate::support::fake_provider::FakeProvider;
use crate::support::keyring;
use crate::support::kill_trials::{target, Figures, Op, RotatingProvider, Row, Snapshot};
use crate::support::refresh::{github_overrides, stored_secret};

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use switchboard_core::ids::ConnectionId;

const DEFAULT_TRIALS: usize = 120;
const OPS: [&str; 5] = ["refresh", "rename", "enable", "disable", "connect"];
/// Trials go on past the number asked for until this many kills landed mid-operation.
const DEFAULT_KILLS: usize = 100;

struct Trials {
    harness: Harness,
    provider: RotatingProvider,
    overrides: PathBuf,
    db: PathBuf,
    figures: Figures,
}

impl Trials {
    fn snapshot(&self, when: &str) -> Snapshot {
        Snapshot::read(&self.db).unwrap_or_else(|problem| panic!("{when}: the database is not whole: {problem}"))
    }

    async fn run(&self, op: &Op, kill_after: Option<Duration>) -> Run {
        if let Op::Connect(account) = op {
            self.provider.sign_in_as(*account);
        }
        let connect = matches!(op, Op::Connect(_));
        run_cli(
            self.harness.data.path(),
            &self.overrides,
            &op.args(),
            connect,
            kill_after,
        )
        .await
    }

    /// Runs `op`, killed after `kill_after` if given, checks what it left, then that the
    /// connection it touched is usable or marked.
    async fn trial(&mut self, trial: &str, op: &Op, kill_after: Option<Duration>) -> Run {
        let (run, touched) = self.checked(trial, op, kill_after).await;
        if let Some(id) = touched {
            self.check_usable(trial, id).await;
        }
        run
    }

    /// Runs `op`, killed after `kill_after` if given, and checks what it left; answers the
    /// connection it touched.
    async fn checked(&mut self, trial: &str, op: &Op, kill_after: Option<Duration>) -> (Run, Option<i64>) {
        let before = self.snapshot(&format!("{trial} before {op:?}"));
        let run = self.run(op, kill_after).await;
        let after = Snapshot::read(&self.db);
        let after = match after {
            Ok(after) => after,
            Err(problem) => {
                self.figures.integrity_failures += 1;
                self.figures.failures.push(format!("{trial} {op:?}: {problem}"));
                return (run, None);
            }
        };
        let acknowledged = run.acknowledged(matches!(op, Op::Connect(_)));
        let problems = self.check(op, &before, &after, acknowledged);
        if acknowledged {
            self.figures.acknowledged_checked += 1;
            self.figures.lost_acknowledged += usize::from(!problems.is_empty());
        }
        self.figures.audit_rows_checked += after.audit_rows - before.audit_rows;
        let what = if run.killed { "killed" } else { "ran to its end" };
        for problem in problems {
            let said = run.stderr.trim();
            self.figures
                .failures
                .push(format!("{trial} {op:?} ({what}): {problem} [stderr: {said}]"));
        }
        (run, target(op, &after))
    }

    /// What a run of `op` may have left: its change and its audit row both or neither; both
    /// if acknowledged; nothing else changed, and no change without an audit row.
    fn check(&self, op: &Op, before: &Snapshot, after: &Snapshot, acknowledged: bool) -> Vec<String> {
        let mut problems = Vec::new();
        let target = target(op, after);
        for id in before.rows.keys().filter(|id| !after.rows.contains_key(id)) {
            problems.push(format!("connection {id} disappeared"));
        }
        for (id, row) in &after.rows {
            let added = after.audited_all(*id) - before.audited_all(*id);
            if Some(*id) != target && (added > 0 || before.rows.get(id) != Some(row)) {
                problems.push(format!(
                    "connection {id}, not the one operated on, changed or was audited"
                ));
            }
            if before.rows.get(id) != Some(row) && added == 0 {
                problems.push(format!("connection {id} changed without an audit row: {row:?}"));
            }
        }
        let Some(id) = target else {
            if acknowledged {
                problems.push("an acknowledged connect left no connection of its account".into());
            }
            return problems;
        };
        let (old, new) = (before.rows.get(&id), &after.rows[&id]);
        let operation = op.name();
        let rows = after.audited(id, operation, "ok") - before.audited(id, operation, "ok");
        let effect = match op {
            Op::Refresh(_) | Op::Connect(_) => {
                let versions = new.token_version - old.map_or(new.token_version - 1, |old| old.token_version);
                versions == 1 && new.status == "connected"
            }
            Op::Rename(_, label) => new.label.as_ref() == Some(label),
            Op::Enable(_, enabled) => new.enabled == *enabled,
        };
        let unchanged = old.is_some_and(|old| match op {
            Op::Refresh(_) | Op::Connect(_) => old.token_version == new.token_version,
            Op::Rename(..) => old.label == new.label,
            Op::Enable(..) => old.enabled == new.enabled,
        });
        match rows {
            1 if !effect => problems.push(format!("a {operation} audit row without its change: {new:?}")),
            0 if !unchanged => problems.push(format!("a {operation} change without its audit row: {new:?}")),
            0 if acknowledged => problems.push(format!("acknowledged, but no {operation} audit row")),
            0 | 1 => {}
            more => problems.push(format!("{more} {operation} audit rows for one run")),
        }
        // New tokens saved: the refresh token stored with them is the one the provider issued.
        if rows == 1 && matches!(op, Op::Refresh(_) | Op::Connect(_)) {
            match self.refresh_token_of(id) {
                Some(token) if self.provider.is_live(&token) => {}
                other => problems.push(format!(
                    "{operation} saved, but the stored refresh token {other:?} is not the one the provider issued last"
                )),
            }
        }
        problems
    }

    fn refresh_token_of(&self, id: i64) -> Option<String> {
        let connection = self.harness.services.store.get(ConnectionId(id)).ok()?;
        stored_secret(&self.harness.services, &connection, "refresh_token")
    }

    /// The connection renews at the provider (a refresh run to its end succeeds), or it is
    /// marked as needing re-authorization with a reason; a disabled one (which may not be
    /// used) must have readable tokens.
    async fn check_usable(&mut self, trial: &str, id: i64) {
        let row = self.snapshot(&format!("{trial} usable {id}")).rows[&id].clone();
        if row.status == "needs_reauthorization" {
            self.marked_or_failed(trial, id, &row);
            return;
        }
        if !row.enabled {
            let connection = self.harness.services.store.get(ConnectionId(id));
            let readable = connection.ok().is_some_and(|connection| {
                let services = &self.harness.services;
                stored_secret(services, &connection, "refresh_token").is_some()
                    && stored_secret(services, &connection, "access_token").is_some()
            });
            match readable {
                true => self.figures.disabled_readable += 1,
                false => self
                    .figures
                    .failures
                    .push(format!("{trial}: disabled connection {id} has no readable tokens")),
            }
            return;
        }
        let check = format!("{trial} check");
        let (run, _) = self.checked(&check, &Op::Refresh(id), None).await;
        if run.success {
            self.figures.usable += 1;
        } else {
            let row = self.snapshot(&check).rows[&id].clone();
            self.figures
                .newly_marked
                .push(format!("{trial}: connection {id}: {:?}", row.reason));
            self.marked_or_failed(&check, id, &row);
        }
    }

    fn marked_or_failed(&mut self, trial: &str, id: i64, row: &Row) {
        match (&row.status[..], &row.reason) {
            ("needs_reauthorization", Some(reason)) if !reason.is_empty() => self.figures.marked += 1,
            _ => self.figures.failures.push(format!(
                "{trial}: connection {id} neither renews nor is marked: {row:?}"
            )),
        }
    }
}

#[tokio::test]
#[ignore = "some 300 CLI runs, SIGKILLed; run with -- --ignored --nocapture (see the header)"]
async fn random_sigkills_leave_a_whole_database_and_every_acknowledged_operation_with_its_audit_row() {
    keyring::require_session_bus();
    let started = Instant::now();
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .map(|value| {
                value
                    .parse()
                    .unwrap_or_else(|_| panic!("{name} must be a number: {value}"))
            })
            .unwrap_or(default)
    };
    let trials = number("SWITCHBOARD_KILL_TRIALS", DEFAULT_TRIALS as u64) as usize;
    let kills = number("SWITCHBOARD_KILL_KILLS", DEFAULT_KILLS as u64) as usize;
    let seed = number("SWITCHBOARD_KILL_SEED", rand::random::<u32>().into());
    println!(
        "kill trials: {trials} trials, seed {seed} (SWITCHBOARD_KILL_SEED={seed} repeats its operations and delays)"
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let fake = FakeProvider::start().await;
    let provider = RotatingProvider::install(&fake);
    let harness = Harness::shared_with_cli(&github_overrides(&fake));
    let (overrides, db) = (harness.overrides_file(), harness.data.path().join("switchboard.db"));
    let mut run = Trials {
        harness,
        provider,
        overrides,
        db,
        figures: Figures::default(),
    };

    // Each operation run to its end, twice: that all of them work, and how long each takes.
    let mut typical: BTreeMap<&str, Duration> = BTreeMap::new();
    let mut next_account = 1;
    for round in 0..2 {
        let mut ops = vec![Op::Connect(next_account)];
        let id = run.snapshot("calibration").rows.keys().max().map_or(1, |id| id + 1);
        ops.extend([
            Op::Refresh(id),
            Op::Rename(id, "calibrated".into()),
            Op::Enable(id, false),
            Op::Enable(id, true),
        ]);
        next_account += 1;
        for op in ops {
            let ended = run.trial(&format!("calibration {round}"), &op, None).await;
            let works = ended.acknowledged(matches!(op, Op::Connect(_)));
            assert!(works, "{op:?} works when left alone: {}", ended.stderr);
            let longest = typical.entry(op.name()).or_default();
            *longest = (*longest).max(ended.elapsed);
        }
    }
    println!("typical durations (longest of 2 runs to the end): {typical:?}");
    assert!(
        run.figures.failures.is_empty(),
        "calibration: {:#?}",
        run.figures.failures
    );

    let mut trial = 0;
    while trial < trials || run.figures.killed_mid < kills {
        trial += 1;
        assert!(
            trial <= 3 * trials.max(kills),
            "seed {seed}: too few kills land mid-operation"
        );
        // The same draws every trial, so a seed repeats the operations and delays; which
        // connection they fall on follows what earlier kills left.
        let (kind, pick, reconnect, moment) = (
            rng.gen_range(0..OPS.len()),
            rng.gen::<usize>(),
            rng.gen_bool(0.5),
            rng.gen::<f64>(),
        );
        let rows = run.snapshot("choosing").rows;
        let id = *rows.keys().nth(pick % rows.len()).expect("a connection");
        // A sign-in is a new account, or (half the time, if any) one marked for re-authorization.
        let marked: Vec<u64> = rows
            .values()
            .filter(|row| row.status == "needs_reauthorization")
            .filter_map(|row| row.account_id.parse().ok())
            .collect();
        let op = match OPS[kind] {
            "refresh" => Op::Refresh(id),
            "rename" => Op::Rename(id, format!("trial {trial}")),
            "enable" => Op::Enable(id, true),
            "disable" => Op::Enable(id, false),
            _ if reconnect && !marked.is_empty() => Op::Connect(marked[pick % marked.len()]),
            _ => {
                next_account += 1;
                Op::Connect(next_account - 1)
            }
        };
        let delay = typical[op.name()].mul_f64(moment);
        let ended = run.trial(&format!("seed {seed} trial {trial}"), &op, Some(delay)).await;
        let counts = run.figures.per_op.entry(op.name()).or_default();
        counts[0] += 1;
        counts[1] += usize::from(ended.killed);
        counts[2] += usize::from(ended.acknowledged(matches!(op, Op::Connect(_))));
        counts[3] += usize::from(!ended.killed && !ended.success);
        run.figures.killed_mid += usize::from(ended.killed);
    }

    // At the end, every connection: enabled, then renewing or marked.
    let ids: Vec<i64> = run.snapshot("the end").rows.keys().copied().collect();
    let (usable, marked) = (run.figures.usable, run.figures.marked);
    for id in &ids {
        run.trial("final", &Op::Enable(*id, true), None).await;
    }
    let final_usable = run.figures.usable - usable;
    let final_marked = run.figures.marked - marked;

    let f = &run.figures;
    println!("trials asked: {trials}, and more until {kills} kills had landed mid-operation");
    f.print(
        seed,
        trial,
        (ids.len(), final_usable, final_marked),
        run.provider.refused(),
    );
    println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(
        f.integrity_failures, 0,
        "seed {seed}: every kill leaves a file that passes integrity_check"
    );
    assert_eq!(
        f.lost_acknowledged, 0,
        "seed {seed}: no acknowledged operation or its audit row is lost: {:#?}",
        f.failures
    );
    assert!(f.failures.is_empty(), "seed {seed}: a change and its audit row are both there or both absent, and every connection renews or is marked: {:#?}", f.failures);
    assert_eq!(
        final_usable + final_marked,
        ids.len(),
        "seed {seed}: every connection is usable or marked at the end"
    );
}
