//! A run as stored, read back into types: its planned steps and what the current step has
//! gathered (arguments, the words to search pickers with, the resources found and their names).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::db::runs::RunRow;
use crate::llm::PlannedStep;

/// The run's state, as the `runs.state` column holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Planning, looking up, or between steps: nothing waits on the person.
    Working,
    NeedsConnection,
    NeedsInput,
    NeedsApproval,
    /// Approved and being sent: after a crash, "may have happened", never sent again.
    Executing,
    Done,
    Failed,
    Denied,
    Cancelled,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Working => "working",
            Self::NeedsConnection => "needs_connection",
            Self::NeedsInput => "needs_input",
            Self::NeedsApproval => "needs_approval",
            Self::Executing => "executing",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Denied => "denied",
            Self::Cancelled => "cancelled",
        }
    }

    /// The states a card waits in.
    pub const WAITING: [&'static str; 4] = ["needs_connection", "needs_input", "needs_approval", "failed"];
}

/// What the current step has gathered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepProgress {
    /// The step's planned arguments and lookups have been taken in.
    pub prepared: bool,
    pub arguments: Map<String, Value>,
    /// Fields left to the person, with the words to search their pickers with.
    pub searches: BTreeMap<String, String>,
    /// Resource ids found, by id, with their names (for cards and reports).
    pub names: BTreeMap<String, String>,
    /// A model's `connect` call: the product the run waits to see connected (it has no steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_product: Option<String>,
    /// The arguments the approval card showed, when the person approved others (edited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Map<String, Value>>,
}

/// A run, read.
#[derive(Debug, Clone)]
pub struct Run {
    pub row: RunRow,
    pub steps: Vec<PlannedStep>,
    pub progress: StepProgress,
}

impl Run {
    pub fn read(row: RunRow) -> Self {
        let steps = serde_json::from_str(&row.steps).unwrap_or_default();
        let progress = serde_json::from_str(&row.arguments).unwrap_or_default();
        Self { row, steps, progress }
    }

    pub fn step(&self) -> Option<&PlannedStep> {
        usize::try_from(self.row.step)
            .ok()
            .and_then(|index| self.steps.get(index))
    }

    /// The row with the progress written back into it.
    pub fn to_row(&self, state: RunState) -> RunRow {
        let mut row = self.row.clone();
        row.state = state.as_str().to_owned();
        row.arguments = serde_json::to_string(&self.progress).unwrap_or_else(|_| "{}".into());
        row
    }
}
