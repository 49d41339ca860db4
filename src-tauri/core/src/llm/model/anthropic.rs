//! Anthropic's Messages API: `system` apart, alternating user and assistant messages whose
//! content blocks carry `tool_use` and `tool_result`, tools with `input_schema`, and the
//! streamed events whose `input_json_delta` pieces make a call's input.

use serde_json::{json, Value};

use super::error::ModelError;
use super::wire::{ModelReply, ModelRequest, ReplyBuilder, Turn};

pub const VERSION: &str = "2023-06-01";

pub fn body(model: &str, request: &ModelRequest, stream: bool) -> Value {
    let mut messages: Vec<Value> = Vec::new();
    for turn in &request.turns {
        let (role, blocks) = match turn {
            Turn::User { text } => ("user", vec![json!({"type": "text", "text": text})]),
            Turn::Assistant { text, calls } => {
                let mut blocks = Vec::new();
                if !text.is_empty() {
                    blocks.push(json!({"type": "text", "text": text}));
                }
                for call in calls {
                    let input = serde_json::from_str::<Value>(&call.arguments)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| json!({}));
                    blocks.push(json!({"type": "tool_use", "id": call.id, "name": call.name, "input": input}));
                }
                ("assistant", blocks)
            }
            Turn::ToolResult {
                call_id,
                content,
                is_error,
            } => (
                "user",
                vec![json!({"type": "tool_result", "tool_use_id": call_id, "content": content, "is_error": is_error})],
            ),
        };
        if blocks.is_empty() {
            continue;
        }
        // Consecutive turns of one role are one message (results and the next words, say).
        match messages.last_mut() {
            Some(last) if last["role"] == role => {
                if let Some(content) = last["content"].as_array_mut() {
                    content.extend(blocks);
                }
            }
            _ => messages.push(json!({"role": role, "content": blocks})),
        }
    }
    let tools: Vec<Value> = request
        .tools
        .iter()
        .map(|tool| json!({"name": tool.name, "description": tool.description, "input_schema": tool.parameters}))
        .collect();
    let mut body = json!({"model": model, "system": request.system, "messages": messages,
                          "max_tokens": request.max_tokens, "stream": stream});
    if !tools.is_empty() {
        body["tools"] = Value::Array(tools);
    }
    body
}

/// Takes one event; `Ok(true)` at `message_stop`.
pub fn take_event(data: &str, reply: &mut ReplyBuilder) -> Result<bool, ModelError> {
    let event: Value =
        serde_json::from_str(data).map_err(|error| ModelError::BadReply(format!("an event is not JSON: {error}")))?;
    let index = event["index"].as_u64().unwrap_or(0) as usize;
    match event["type"].as_str().unwrap_or("") {
        "message_stop" => return Ok(true),
        "error" => {
            let (detail, kind) = error_detail(&event);
            return Err(if kind == "overloaded_error" {
                ModelError::Server { status: 529, detail }
            } else {
                ModelError::Server { status: 500, detail }
            });
        }
        "content_block_start" => {
            let block = &event["content_block"];
            match block["type"].as_str() {
                Some("tool_use") => reply.call(index, block["id"].as_str(), block["name"].as_str(), ""),
                Some("text") => reply.text(block["text"].as_str().unwrap_or("")),
                _ => {}
            }
        }
        "content_block_delta" => {
            let delta = &event["delta"];
            match delta["type"].as_str() {
                Some("text_delta") => reply.text(delta["text"].as_str().unwrap_or("")),
                Some("input_json_delta") => reply.call(index, None, None, delta["partial_json"].as_str().unwrap_or("")),
                _ => {}
            }
        }
        _ => {} // message_start, ping, content_block_stop, message_delta
    }
    Ok(false)
}

/// A whole (not streamed) answer.
pub fn whole(body: &Value) -> Result<ModelReply, ModelError> {
    let content = body["content"]
        .as_array()
        .ok_or_else(|| ModelError::BadReply("the answer has no content".into()))?;
    let mut reply = ReplyBuilder::default();
    for (index, block) in content.iter().enumerate() {
        match block["type"].as_str() {
            Some("text") => reply.text(block["text"].as_str().unwrap_or("")),
            Some("tool_use") => reply.call(
                index,
                block["id"].as_str(),
                block["name"].as_str(),
                &block["input"].to_string(),
            ),
            _ => {}
        }
    }
    Ok(reply.finish())
}

/// An error answer's message and type.
pub fn error_detail(body: &Value) -> (String, String) {
    let error = &body["error"];
    (
        error["message"].as_str().unwrap_or("").to_owned(),
        error["type"].as_str().unwrap_or("").to_owned(),
    )
}
