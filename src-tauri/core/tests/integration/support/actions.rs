//! Shared by the action tests: the executor with fast protocol seconds and a short time limit,
//! a run of one action, and the requests the doubles received on a path.

#![allow(dead_code)] // each test file uses its part

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use switchboard_core::clock::SystemClock;
use switchboard_core::connections::Connection;
use switchboard_core::error::UserError;
use switchboard_core::resources::ApiPolicy;
use switchboard_core::tools::{Consent, Executor, RunOutcome, RunRequest};

use super::connector::Harness;
use super::doubles::ApiDoubles;
use super::resources::TEST_SECOND;

/// How long one request may take before it counts as unanswered.
pub const TEST_TIMEOUT: Duration = Duration::from_millis(1500);

/// The executor over the harness's services, waits in `TEST_SECOND`s.
pub fn executor(harness: &Harness) -> Executor {
    let policy = ApiPolicy {
        second: TEST_SECOND,
        timeout: TEST_TIMEOUT,
        clock: Arc::new(SystemClock),
        ..ApiPolicy::default()
    };
    Executor::new(
        harness.services.context.clone(),
        harness.services.store.clone(),
        harness.services.renewal.clone(),
        policy,
    )
}

pub fn run_request(action: &str, connection: &Connection, arguments: Value) -> RunRequest {
    RunRequest {
        action: action.into(),
        connection_id: Some(connection.id),
        arguments,
    }
}

/// Runs `action` as approved, and expects it done.
pub async fn run_approved(
    executor: &Executor,
    action: &str,
    connection: &Connection,
    arguments: Value,
) -> switchboard_core::tools::ActionResult {
    match executor
        .run(&run_request(action, connection, arguments), Consent::Approved)
        .await
        .map_err(UserError::from)
    {
        Ok(RunOutcome::Done(result)) => result,
        other => panic!("{action} runs: {other:?}"),
    }
}

/// What the doubles received on `path` (exactly), in order.
pub async fn received(doubles: &ApiDoubles, method: &str, path: &str) -> Vec<Value> {
    doubles
        .requests()
        .await
        .into_iter()
        .filter(|request| request["method"] == method && request["path"] == path)
        .collect()
}

/// The JSON body of a recorded request.
pub fn body_of(request: &Value) -> Value {
    let text = request["body"].as_str().expect("the request had a body");
    serde_json::from_str(text).expect("the body is JSON")
}
