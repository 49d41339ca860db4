//! Planners: what turns a person's request into the steps of a run — which action, with which
//! parameters, which named resources to look up and what is still missing. One trait, so the
//! built-in offline planner (the default) and language models (`model`) are interchangeable. A
//! planner only proposes: it never runs an action, reads an account or sees a secret.

pub mod model;
pub mod offline;
pub mod plan;

use std::future::Future;
use std::pin::Pin;

pub use offline::OfflinePlanner;
pub use plan::{Plan, PlanRequest, PlannedStep};

/// A plan being made (a model's takes a while; the offline one is ready at once).
pub type PlanFuture<'a> = Pin<Box<dyn Future<Output = Plan> + Send + 'a>>;

pub trait Planner: Send + Sync {
    /// How Settings names it ("Built in (works offline)").
    fn name(&self) -> &'static str;
    /// The steps for `request`, or a reply saying what it could not understand.
    fn plan<'a>(&'a self, request: &'a PlanRequest) -> PlanFuture<'a>;
}
