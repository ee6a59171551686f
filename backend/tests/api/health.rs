use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::Method;
use serde_json::Value;

on_both_databases!(health_and_readiness, openapi_describes_every_route);

async fn health_and_readiness(app: TestApp) {
    for path in ["/healthz", "/readyz"] {
        let answer = app.send(app.request(Method::GET, path, None)).await;
        assert_eq!(answer.status, 200, "{path}");
    }
    let answer = app.send(app.request(Method::GET, "/api/v1/nope", None)).await;
    answer.error(404, shared::ErrorCode::NotFound);
}

/// Every documented operation is a real route (it does not answer with the
/// router's 404), names its auth and its error answers; every route is documented.
async fn openapi_describes_every_route(app: TestApp) {
    let doc: Value = app.send(app.request(Method::GET, "/api/v1/openapi.json", None)).await.json(200);
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    let schemes = &doc["components"]["securitySchemes"];
    assert!(schemes["agent_token"].is_object() && schemes["visitor_token"].is_object());
    assert!(doc["components"]["schemas"]["ErrorCode"].is_object());
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            let concrete = path.replace("{id}", "00000000-0000-7000-8000-000000000000");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let answer = app.send(app.request(method.clone(), &concrete, None)).await;
            let unknown_route = answer.status == 404 && !concrete.contains("0000-7000");
            assert!(!unknown_route, "{method} {path} is documented but not routed");
            let needs_auth = op.get("security").is_some();
            if needs_auth {
                assert_eq!(answer.status, 401, "{method} {path} without a token");
                let codes: Vec<&String> = op["responses"].as_object().expect("responses").keys().collect();
                assert!(codes.iter().any(|c| c.as_str() == "401"), "{method} {path} documents 401");
            }
        }
    }
    let routed = routes_in_source();
    assert_eq!(operations, routed.len(), "documented operations vs routes in the source");
    for (method, path) in routed {
        assert!(doc["paths"][&path][&method].is_object(), "{method} {path} is routed but not documented");
    }
}

/// Every `#[get("…")]`-style route attribute in `src/routes` and `src/realtime`.
fn routes_in_source() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = ["routes", "realtime"].into_iter().flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("dir"));
    let mut routes = Vec::new();
    for entry in files {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        for line in text.lines() {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(rest) = line.trim().strip_prefix(&format!("#[{method}(\"")) {
                    let path = rest.split('"').next().unwrap_or_default().to_owned();
                    routes.push((method.to_owned(), path));
                }
            }
        }
    }
    assert!(routes.len() > 40, "found the routes");
    routes
}
