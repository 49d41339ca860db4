//! The OpenAI-compatible Chat Completions protocol (OpenAI, Ollama, LM Studio, OpenRouter, vLLM):
//! the request body with `tools`, `tool` messages for results, and the streamed chunks whose
//! tool-call arguments arrive in pieces by index.

use serde_json::{json, Value};

use super::error::ModelError;
use super::wire::{ModelReply, ModelRequest, ReplyBuilder, Turn};

pub fn body(model: &str, request: &ModelRequest, stream: bool) -> Value {
    let mut messages = vec![json!({"role": "system", "content": request.system})];
    for turn in &request.turns {
        if matches!(turn, Turn::Assistant { text, calls } if text.is_empty() && calls.is_empty()) {
            continue; // nothing said: a message with neither content nor calls is refused
        }
        messages.push(match turn {
            Turn::User { text } => json!({"role": "user", "content": text}),
            Turn::Assistant { text, calls } => {
                let mut message =
                    json!({"role": "assistant", "content": if text.is_empty() { Value::Null } else { json!(text) }});
                if !calls.is_empty() {
                    message["tool_calls"] = calls
                        .iter()
                        .map(|call| {
                            // A call whose arguments were not a JSON object went back as an error;
                            // replayed as `{}`, since some servers refuse the history otherwise.
                            let arguments = serde_json::from_str::<Value>(&call.arguments)
                                .ok()
                                .filter(Value::is_object)
                                .map_or_else(|| "{}".to_owned(), |_| call.arguments.clone());
                            json!({"id": call.id, "type": "function",
                                   "function": {"name": call.name, "arguments": arguments}})
                        })
                        .collect();
                }
                message
            }
            Turn::ToolResult { call_id, content, .. } => {
                json!({"role": "tool", "tool_call_id": call_id, "content": content})
            }
        });
    }
    let tools: Vec<Value> = request
        .tools
        .iter()
        .map(|tool| {
            json!({"type": "function", "function": {
                "name": tool.name, "description": tool.description, "parameters": tool.parameters}})
        })
        .collect();
    let mut body = json!({"model": model, "messages": messages, "stream": stream, "max_tokens": request.max_tokens});
    if !tools.is_empty() {
        body["tools"] = Value::Array(tools);
    }
    body
}

/// Takes one server-sent event's data; `Ok(true)` at the stream's end.
pub fn take_event(data: &str, reply: &mut ReplyBuilder) -> Result<bool, ModelError> {
    if data.trim() == "[DONE]" {
        return Ok(true);
    }
    let chunk: Value =
        serde_json::from_str(data).map_err(|error| ModelError::BadReply(format!("a chunk is not JSON: {error}")))?;
    if let Some(error) = chunk.get("error") {
        return Err(ModelError::Server {
            status: 500,
            detail: error["message"].as_str().unwrap_or("error in the stream").to_owned(),
        });
    }
    let Some(delta) = chunk["choices"].get(0).map(|choice| &choice["delta"]) else {
        return Ok(false); // a usage-only chunk
    };
    if let Some(text) = delta["content"].as_str() {
        reply.text(text);
    }
    for (position, call) in delta["tool_calls"].as_array().into_iter().flatten().enumerate() {
        let index = call["index"].as_u64().map_or(position, |index| index as usize);
        reply.call(
            index,
            call["id"].as_str(),
            call["function"]["name"].as_str(),
            call["function"]["arguments"].as_str().unwrap_or(""),
        );
    }
    Ok(false)
}

/// A whole (not streamed) answer.
pub fn whole(body: &Value) -> Result<ModelReply, ModelError> {
    let message = body["choices"]
        .get(0)
        .map(|choice| &choice["message"])
        .ok_or_else(|| ModelError::BadReply("the answer has no choices".into()))?;
    let mut reply = ReplyBuilder::default();
    reply.text(message["content"].as_str().unwrap_or(""));
    for (index, call) in message["tool_calls"].as_array().into_iter().flatten().enumerate() {
        let arguments = match &call["function"]["arguments"] {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(), // Ollama sends an object
        };
        reply.call(
            index,
            call["id"].as_str(),
            call["function"]["name"].as_str(),
            &arguments,
        );
    }
    Ok(reply.finish())
}

/// What an error answer says, in its `error.message`.
pub fn error_detail(body: &Value) -> (String, String) {
    let error = &body["error"];
    let message = error["message"].as_str().or(error.as_str()).unwrap_or("").to_owned();
    let code = error["code"]
        .as_str()
        .or(error["type"].as_str())
        .unwrap_or("")
        .to_owned();
    (message, code)
}
