//! Structured logs: with `NATTER_LOG_FORMAT=json` every line is a JSON object,
//! and every line logged while a request runs carries its request id.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;

/// The next JSON line on the server's stdout (failing on anything else).
async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Value {
    let line = tokio::time::timeout(crate::helpers::FRAME_TIMEOUT, lines.next_line())
        .await
        .expect("a log line in time")
        .expect("stdout")
        .expect("the server is running");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
}

/// The request id of the request span a line was logged in.
fn request_id(line: &Value) -> Option<&str> {
    line["spans"].as_array()?.iter().find_map(|span| span["request_id"].as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_log_lines_carry_the_request_id() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .env_remove("DATABASE_URL")
        .env("NATTER_DATA_DIR", dir.path())
        .env("NATTER_BIND", "127.0.0.1:0")
        .env("NATTER_LOG", "info")
        .env("NATTER_LOG_FORMAT", "json")
        .env("NATTER_ADMIN_EMAIL", "ops@natter.test")
        .env("NATTER_ADMIN_PASSWORD", "correct horse battery")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("natter starts");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let port = loop {
        let line = next_line(&mut lines).await;
        assert!(line["timestamp"].is_string() && line["level"].is_string(), "{line}");
        if line["message"] == "natter is listening" {
            break line["port"].as_u64().expect("port");
        }
    };
    let client = reqwest::Client::new();
    let wrong = serde_json::json!({"email": "ops@natter.test", "password": "not the password"});
    let answer =
        client.post(format!("http://127.0.0.1:{port}/api/v1/auth/login")).json(&wrong).send().await.expect("answer");
    assert_eq!(answer.status(), 401);
    let id = answer.headers()["x-request-id"].to_str().expect("id").to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");

    let mut of_request = Vec::new();
    loop {
        let line = next_line(&mut lines).await;
        if request_id(&line) == Some(id.as_str()) {
            of_request.push(line);
            if of_request.last().is_some_and(|l| l["message"] == "request finished") {
                break;
            }
        }
    }
    // The domain service's own line carries the id, inside its span.
    let failed = of_request.iter().find(|l| l["message"] == "login failed").expect("the service logged");
    assert_eq!(failed["level"], "WARN");
    assert!(failed["spans"].as_array().expect("spans").iter().any(|s| s["name"] == "login"), "{failed}");
    let finished = of_request.last().expect("finished");
    assert_eq!(finished["status"], 401);
    let span = &finished["spans"][0];
    assert_eq!((span["method"].as_str(), span["route"].as_str()), (Some("POST"), Some("/api/v1/auth/login")));
    assert!(!of_request.iter().any(|l| l.to_string().contains("not the password")), "no password in the logs");

    // A proxy's id is kept, so one id follows the request across hops.
    let answer = client
        .get(format!("http://127.0.0.1:{port}/api/v1/me"))
        .header("x-request-id", "edge-7f3a")
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.headers()["x-request-id"], "edge-7f3a");
    loop {
        let line = next_line(&mut lines).await;
        if request_id(&line) == Some("edge-7f3a") && line["message"] == "request finished" {
            break assert_eq!(line["status"], 401);
        }
    }

    // Client errors are not warnings, and a line never holds a token or what a query searched for.
    let answer = client
        .get(format!("http://127.0.0.1:{port}/api/v1/contacts?q=jane.secret%40mail.example&limit=0"))
        .bearer_auth("nv_leaky-token-value")
        .header("x-request-id", "probe-1")
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 400);
    loop {
        let line = next_line(&mut lines).await;
        let text = line.to_string();
        assert!(!text.contains("jane.secret") && !text.contains("leaky-token"), "{text}");
        if request_id(&line) == Some("probe-1") && line["message"] == "request finished" {
            assert_eq!(line["level"], "INFO");
            break assert_eq!(line["status"], 400);
        }
    }
    let wrong_key = serde_json::json!({"site_key": "ns_not-the-key"});
    let answer = client
        .post(format!("http://127.0.0.1:{port}/api/v1/widget/sessions"))
        .header("x-request-id", "probe-2")
        .json(&wrong_key)
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 422);
    loop {
        let line = next_line(&mut lines).await;
        if request_id(&line) == Some("probe-2") {
            assert!(matches!(line["level"].as_str(), Some("INFO" | "DEBUG")), "{line}");
            if line["message"] == "request finished" {
                break;
            }
        }
    }
}
