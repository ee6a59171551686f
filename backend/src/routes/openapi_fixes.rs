//! Corrections applied to the generated document, so that it says what the
//! server does: one `operationId` per operation, the errors every body and query
//! can get (400, 415, 422), the bounds of `limit`, and the validation rules of
//! the bodies (which live in `domain::validate`).

use shared::limits::{MAX_CLIENT_ID_CHARS, MAX_PAGE_SIZE, MIN_PASSWORD_CHARS};
use std::collections::BTreeMap;
use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::schema::{Object, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// (schema, property, shortest, longest) in characters.
const LENGTHS: [(&str, &str, usize, Option<usize>); 8] = [
    ("CreateAgent", "name", 1, Some(shared::limits::MAX_SHORT_TEXT_CHARS)),
    ("CreateAgent", "password", MIN_PASSWORD_CHARS, Some(1024)),
    ("GroupInput", "name", 1, Some(shared::limits::MAX_SHORT_TEXT_CHARS)),
    ("UpdateGroup", "name", 1, Some(shared::limits::MAX_SHORT_TEXT_CHARS)),
    ("CreateApiKey", "name", 1, Some(shared::limits::MAX_SHORT_TEXT_CHARS)),
    ("PostMessage", "client_id", 1, Some(MAX_CLIENT_ID_CHARS)),
    ("WidgetPostMessage", "client_id", 1, Some(MAX_CLIENT_ID_CHARS)),
    ("LoginRequest", "email", 1, None),
];

/// The corrections, as a utoipa modifier.
pub struct Corrections;

impl Modify for Corrections {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                unique_id(operation, &mut seen);
                document_input_errors(operation);
                bound_limit(operation);
            }
        }
        if let Some(components) = openapi.components.as_mut() {
            // `"attributes": null` changes nothing, and is accepted.
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut("UpdateContact")
                && let Some(RefOr::T(Schema::Object(field))) = object.properties.get_mut("attributes")
            {
                field.schema_type = SchemaType::from_iter([Type::Object, Type::Null]);
            }
            for (schema, property, min, max) in LENGTHS {
                if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema)
                    && let Some(RefOr::T(Schema::Object(field))) = object.properties.get_mut(property)
                {
                    field.min_length = Some(min);
                    field.max_length = max;
                }
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
}

/// Handlers in different modules share names (`list`, `create`, …): every id
/// gets its tag appended (`list_contacts`), and a number if still repeated.
fn unique_id(operation: &mut Operation, seen: &mut BTreeMap<String, usize>) {
    let id = operation.operation_id.clone().unwrap_or_default();
    let tag = operation.tags.as_ref().and_then(|t| t.first()).map(|t| t.replace(' ', "_")).unwrap_or_default();
    let id = format!("{id}_{tag}");
    let n = seen.entry(id.clone()).or_default();
    *n += 1;
    operation.operation_id = Some(if *n == 1 { id } else { format!("{id}_{n}") });
}

/// A body can be malformed (400), of another media type (415) or invalid (422);
/// a query can be malformed (400) or hold an invalid value (422).
fn document_input_errors(operation: &mut Operation) {
    let has_query = operation.parameters.iter().flatten().any(|p| p.parameter_in == ParameterIn::Query);
    let has_body = operation.request_body.is_some();
    let mut add = |status: &str, description: &str| {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| error_response(description));
    };
    if has_body || has_query {
        add("400", "`malformed_request`: the body or query is not of the expected shape");
        add("422", "`validation_failed`: a value is not acceptable (such as text with a NUL character)");
    }
    if has_body {
        add("415", "`unsupported_media_type`: no or another Content-Type");
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    RefOr::T(ResponseBuilder::new().description(description).content("application/json", content).build())
}

/// `limit` is 1 to 200; anything else is 400.
fn bound_limit(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        if parameter.name == "limit"
            && let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut()
        {
            set_bounds(schema, 1, MAX_PAGE_SIZE);
        }
    }
}

fn set_bounds(schema: &mut Object, min: u64, max: u64) {
    schema.minimum = Some(utoipa::Number::UInt(min as usize));
    schema.maximum = Some(utoipa::Number::UInt(max as usize));
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn document() -> Value {
        serde_json::to_value(crate::routes::openapi::document()).unwrap()
    }

    fn refs<'a>(value: &'a Value, out: &mut BTreeSet<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.insert(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn operation_ids_are_unique_and_every_reference_resolves() {
        let doc = document();
        let mut ids = BTreeSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values().filter(|op| op.get("responses").is_some()) {
                let id = op["operationId"].as_str().unwrap();
                assert!(ids.insert(id), "operationId {id} repeated");
            }
        }
        let mut found = BTreeSet::new();
        refs(&doc, &mut found);
        for r in found {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            assert!(doc["components"]["schemas"].get(name).is_some(), "{r} is not defined");
        }
    }

    #[test]
    fn bodies_limits_uploads_and_downloads_are_described() {
        let doc = document();
        let contacts = &doc["paths"]["/api/v1/contacts"];
        for status in ["400", "415", "422"] {
            assert!(contacts["post"]["responses"].get(status).is_some(), "{status}");
        }
        let limit = contacts["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "limit").unwrap();
        assert_eq!((limit["schema"]["minimum"].as_u64(), limit["schema"]["maximum"].as_u64()), (Some(1), Some(200)));
        let upload = &doc["paths"]["/api/v1/attachments"]["post"]["requestBody"]["content"]["multipart/form-data"];
        assert_eq!(upload["schema"]["$ref"], "#/components/schemas/UploadForm");
        assert_eq!(doc["components"]["schemas"]["UploadForm"]["properties"]["file"]["format"], "binary");
        let download = &doc["paths"]["/api/v1/attachments/{id}"]["get"]["responses"]["200"]["content"];
        assert!(download.get("image/png").is_some() && download.get("application/octet-stream").is_some());
        let password = &doc["components"]["schemas"]["CreateAgent"]["properties"]["password"];
        assert_eq!(password["minLength"], 8);
    }
}
