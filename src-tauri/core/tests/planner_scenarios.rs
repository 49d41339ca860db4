//! The offline planner against the scenario suite (`tests/planner/scenarios.toml`): requests
//! written the way people write them, each with the action and parameters it must come to, or
//! a decline. Reports action and exact-parameter accuracy and fails below the floors, so a
//! change that makes the planner worse is caught. Dates are read against a fixed clock.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;
use switchboard_core::llm::{OfflinePlanner, Plan, PlanRequest};
use switchboard_core::tools::ActionCatalog;

/// Regressions below these fail. Measured when last raised: 92.6% and 88.7% of 282.
const ACTION_FLOOR: f64 = 0.92;
const PARAMETER_FLOOR: f64 = 0.87;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Suite {
    scenario: Vec<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    say: String,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    args: BTreeMap<String, Value>,
    #[serde(default)]
    lookups: BTreeMap<String, String>,
    #[serde(default)]
    missing: Option<BTreeSet<String>>,
}

fn fixed_now() -> jiff::Zoned {
    jiff::civil::date(2026, 3, 11)
        .at(10, 0, 0, 0)
        .in_tz("America/New_York")
        .expect("the suite's time zone")
}

#[test]
fn the_offline_planner_meets_its_floors_on_the_scenario_suite() {
    let text = include_str!("planner/scenarios.toml");
    let suite: Suite = toml::from_str(text).expect("the scenario suite parses");
    let catalog = ActionCatalog::get().expect("the catalogue");
    let planner = OfflinePlanner::new();
    let mut covered: BTreeMap<String, usize> = catalog.all().map(|action| (action.meta.id.clone(), 0)).collect();
    let (mut action_right, mut all_right) = (0usize, 0usize);
    let mut failures = Vec::new();
    for scenario in &suite.scenario {
        let request = PlanRequest {
            text: scenario.say.clone(),
            now: fixed_now(),
            connected: Vec::new(),
            earlier: Vec::new(),
        };
        let plan = planner.plan_now(&request);
        let wants_decline = scenario.expect.as_deref() == Some("decline");
        if let Some(action) = &scenario.action {
            *covered.entry(action.clone()).or_default() += 1;
        }
        let (action_ok, params_ok, got) = match (&plan, wants_decline) {
            (Plan::NotUnderstood { .. }, true) => (true, true, "declined".to_owned()),
            (Plan::NotUnderstood { .. }, false) => (false, false, "declined".to_owned()),
            (Plan::Steps { steps }, _) => {
                let step = &steps[0];
                let action_ok =
                    !wants_decline && steps.len() == 1 && scenario.action.as_deref() == Some(step.action.as_str());
                let args_ok = scenario
                    .args
                    .iter()
                    .all(|(name, value)| step.arguments.get(name) == Some(value));
                let lookups_ok = scenario
                    .lookups
                    .iter()
                    .all(|(name, words)| step.lookups.get(name) == Some(words));
                let missing_ok = scenario
                    .missing
                    .as_ref()
                    .is_none_or(|missing| *missing == step.missing.iter().cloned().collect::<BTreeSet<_>>());
                let got = format!(
                    "{} args={} lookups={:?} missing={:?} ({} steps)",
                    step.action,
                    Value::Object(step.arguments.clone()),
                    step.lookups,
                    step.missing,
                    steps.len()
                );
                (action_ok, action_ok && args_ok && lookups_ok && missing_ok, got)
            }
        };
        action_right += usize::from(action_ok);
        all_right += usize::from(params_ok);
        if !params_ok {
            failures.push(format!(
                "{}\n    want {} args={:?} lookups={:?} missing={:?}\n    got  {got}",
                scenario.say,
                scenario.action.as_deref().unwrap_or("decline"),
                scenario.args,
                scenario.lookups,
                scenario.missing
            ));
        }
    }
    let total = suite.scenario.len() as f64;
    let action_accuracy = action_right as f64 / total;
    let parameter_accuracy = all_right as f64 / total;
    println!("{}", failures.join("\n"));
    println!(
        "scenarios: {}, action accuracy {:.1}%, exact-parameter accuracy {:.1}%",
        suite.scenario.len(),
        action_accuracy * 100.0,
        parameter_accuracy * 100.0
    );
    let thin: Vec<_> = covered.iter().filter(|(_, count)| **count < 3).collect();
    assert!(
        thin.is_empty(),
        "every action is asked for at least three times: {thin:?}"
    );
    assert!(suite.scenario.len() >= 200, "the suite has at least 200 requests");
    assert!(
        action_accuracy >= ACTION_FLOOR,
        "action accuracy fell to {:.1}% (floor {:.1}%)",
        action_accuracy * 100.0,
        ACTION_FLOOR * 100.0
    );
    assert!(
        parameter_accuracy >= PARAMETER_FLOOR,
        "exact-parameter accuracy fell to {:.1}% (floor {:.1}%)",
        parameter_accuracy * 100.0,
        PARAMETER_FLOOR * 100.0
    );
}

/// Text no person means but anyone can paste: the planner answers every one, never panics, and
/// never fills a recipient it was not given.
#[test]
fn the_planner_answers_hostile_and_odd_text_without_failing() {
    let planner = OfflinePlanner::new();
    let long = "email ".repeat(700);
    let odd = [
        "",
        "   ",
        "\u{0}\u{1}\u{7f}",
        "İstanbul İİİ email İ about İ saying İİ",
        "find emails İ about éé",
        "search jira İ for ééé",
        "move İ ABC-1 to éé",
        "ẞ ß ﬃ email about ǅ: Ⅻ",
        "📧📧 email 🙂@example.com saying 🎉",
        "שלח אימייל ל ana@example.com",
        "\"unterminated quote email ana@example.com",
        "'''''''",
        "::::: #### @@@@ //// ?????",
        "schedule at 99:99pm on the 45th for 9999 hours",
        "in 999 weeks",
        "star ../../etc/passwd",
        "star a/b/c/d/e",
        "comment on ABC-99999999999: x",
        long.as_str(),
    ];
    for text in odd {
        let plan = planner.plan_now(&PlanRequest {
            text: text.to_owned(),
            now: fixed_now(),
            connected: Vec::new(),
            earlier: Vec::new(),
        });
        if let Plan::Steps { steps } = &plan {
            for step in steps {
                if let Some(to) = step.arguments.get("to").and_then(Value::as_array) {
                    for address in to {
                        let address = address.as_str().unwrap_or("");
                        assert!(
                            text.contains(address),
                            "{text:?}: a recipient comes from the request: {address}"
                        );
                    }
                }
            }
        }
    }
}

/// "it" points at what the person named before; a recipient is never carried over.
#[test]
fn a_request_pointing_back_takes_what_is_missing_from_earlier_messages_but_never_a_recipient() {
    let planner = OfflinePlanner::new();
    let ask = |text: &str, earlier: &[&str]| {
        planner.plan_now(&PlanRequest {
            text: text.to_owned(),
            now: fixed_now(),
            connected: Vec::new(),
            earlier: earlier.iter().map(|text| (*text).to_owned()).collect(),
        })
    };
    let Plan::Steps { steps } = ask("star it", &["list open issues in tauri-apps/tauri", "hello"]) else {
        panic!("planned")
    };
    assert_eq!(steps[0].action, "github.star_repository");
    assert_eq!(
        steps[0].arguments.get("repository"),
        Some(&Value::from("tauri-apps/tauri")),
        "the repository of the earlier request"
    );
    let Plan::Steps { steps } = ask("email it again saying hi", &["email ana@example.com about lunch"]) else {
        panic!("planned")
    };
    assert!(
        steps[0].missing.iter().any(|field| field == "to"),
        "a recipient is asked for, not carried over: {:?}",
        steps[0]
    );
    let Plan::Steps { steps } = ask("star tauri-apps/wry", &["star tauri-apps/tauri"]) else {
        panic!("planned")
    };
    assert_eq!(
        steps[0].arguments.get("repository"),
        Some(&Value::from("tauri-apps/wry")),
        "what the request says wins"
    );
}
