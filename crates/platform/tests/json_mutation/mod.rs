//! Mutations of a JSON tree for the property and fuzzing tests: replace a node, remove a member
//! or item, null a node, change a node's type, or duplicate an item. Shared by the test files
//! that start from valid answers and break them.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

/// A change to a JSON tree: replace a node, remove a member or item, null a node, or change a
/// node's type (a string into a number, an object into a list, …).
#[derive(Debug, Clone)]
pub enum Mutation {
    Replace(Vec<usize>, Value),
    Remove(Vec<usize>, usize),
    Null(Vec<usize>),
    Retype(Vec<usize>),
    Duplicate(Vec<usize>),
}

/// A mutation whose replacement values come from `values`.
pub fn mutation(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Mutation> {
    let path = || vec(any::<usize>(), 0..8);
    prop_oneof![
        3 => (path(), values).prop_map(|(p, v)| Mutation::Replace(p, v)),
        2 => (path(), any::<usize>()).prop_map(|(p, i)| Mutation::Remove(p, i)),
        1 => path().prop_map(Mutation::Null),
        1 => path().prop_map(Mutation::Retype),
        1 => path().prop_map(Mutation::Duplicate),
    ]
}

fn node_at<'a>(mut node: &'a mut Value, path: &[usize]) -> &'a mut Value {
    for &step in path {
        let len = match &*node {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if len == 0 {
            break;
        }
        node = match node {
            Value::Object(map) => match map.values_mut().nth(step % len) {
                Some(next) => next,
                None => unreachable!("the index is below the length"),
            },
            Value::Array(items) => &mut items[step % len],
            _ => unreachable!("only containers have a length"),
        };
    }
    node
}

/// Applies `mutation` to `value` (a path past a leaf stops at the leaf).
pub fn mutate(value: &mut Value, mutation: &Mutation) {
    match mutation {
        Mutation::Replace(path, replacement) => *node_at(value, path) = replacement.clone(),
        Mutation::Null(path) => *node_at(value, path) = Value::Null,
        Mutation::Remove(path, index) => match node_at(value, path) {
            Value::Object(map) if !map.is_empty() => {
                if let Some(key) = map.keys().nth(index % map.len()).cloned() {
                    map.remove(&key);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                items.remove(index % items.len());
            }
            _ => {}
        },
        Mutation::Retype(path) => {
            let node = node_at(value, path);
            *node = match node.take() {
                Value::String(text) => text
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(Value::Array(vec![Value::String(text)])),
                Value::Number(n) => Value::String(n.to_string()),
                Value::Bool(b) => Value::String(b.to_string()),
                Value::Array(items) => Value::Object(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (i.to_string(), v))
                        .collect(),
                ),
                Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
                Value::Null => Value::Object(Default::default()),
            }
        }
        Mutation::Duplicate(path) => {
            if let Value::Array(items) = node_at(value, path)
                && let Some(first) = items.first().cloned()
            {
                items.push(first);
            }
        }
    }
}
