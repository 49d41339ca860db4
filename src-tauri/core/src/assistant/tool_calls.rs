//! A model's tool calls checked before anything runs: JSON arguments, a tool it was offered
//! (an action of an enabled connected product, or `connect` for one not connected), and
//! arguments that fit the action's schema. A bad call goes back to the model with what was
//! wrong, and the other calls of the same answer with it. A call that only leaves required
//! fields out is run, and the run asks the person for them.

use serde_json::{Map, Value};

use super::error::AssistantError as Error;
use super::model_context::{Tools, CONNECT_TOOL};
use super::service::Assistant;
use crate::llm::model::{ModelReply, ToolCall};
use crate::llm::PlannedStep;
use crate::tools::ActionCatalog;

/// A checked call.
pub(super) enum Checked {
    Action(PlannedStep),
    Connect { product: String },
    Invalid(String),
}

impl Assistant {
    pub(super) fn check_call(&self, call: &ToolCall, tools: &Tools) -> Checked {
        let arguments = if call.arguments.trim().is_empty() {
            "{}"
        } else {
            call.arguments.as_str()
        };
        let arguments: Map<String, Value> = match serde_json::from_str(arguments) {
            Ok(Value::Object(arguments)) => arguments,
            Ok(_) => return Checked::Invalid(format!("the arguments of {} are not a JSON object", call.name)),
            Err(error) => {
                return Checked::Invalid(format!("the arguments of {} are not valid JSON ({error})", call.name))
            }
        };
        if call.name == CONNECT_TOOL {
            return match arguments.get("product").and_then(Value::as_str) {
                Some(product) if tools.connectable.iter().any(|known| known == product) => Checked::Connect {
                    product: product.to_owned(),
                },
                Some(product) => Checked::Invalid(format!("\"{product}\" is not a product that can be connected")),
                None => Checked::Invalid("connect needs a product".into()),
            };
        }
        let Some(id) = tools.actions.get(&call.name) else {
            return Checked::Invalid(format!(
                "there is no tool named \"{}\"",
                call.name.chars().take(80).collect::<String>()
            ));
        };
        let Ok(action) = ActionCatalog::get().and_then(|catalog| catalog.action(id)) else {
            return Checked::Invalid(format!("there is no tool named \"{}\"", call.name));
        };
        let problems = action.invalid_arguments(&Value::Object(arguments.clone()));
        // Only required fields left out: the run asks the person for them with a form (and its
        // pickers), as it does for the built-in planner, rather than the model guessing them.
        let only_missing = problems
            .iter()
            .all(|problem| problem.starts_with("/: ") && problem.ends_with("is a required property"));
        if !problems.is_empty() && !only_missing {
            return Checked::Invalid(format!(
                "the arguments of {} don't fit its schema: {}",
                call.name,
                problems.join("; ")
            ));
        }
        let mut step = PlannedStep::new(id);
        step.arguments = arguments;
        step.call_id = Some(call.id.clone());
        Checked::Action(step)
    }

    /// Every call of an answer with a bad one goes back unrun, the bad ones saying why.
    pub(super) fn reject_calls(&self, conversation: i64, reply: &ModelReply, checked: &[Checked]) -> Result<(), Error> {
        for (call, checked) in reply.calls.iter().zip(checked) {
            let content = match checked {
                Checked::Invalid(problem) => format!("Not run: {problem}. Fix the call, or ask the person."),
                _ => "Not run, because another call in the same answer was invalid. Call it again.".into(),
            };
            self.tell_model(conversation, &call.id, &content, true)?;
        }
        Ok(())
    }
}

pub(super) fn first_problem(checked: &[Checked]) -> Option<String> {
    checked.iter().find_map(|checked| match checked {
        Checked::Invalid(problem) => Some(problem.clone()),
        _ => None,
    })
}
