use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_both_databases;
use reqwest::Method;
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(
    login_refresh_and_logout,
    wrong_password_is_refused_and_throttled,
    expired_access_token_is_refused,
    password_change_ends_other_sessions,
    profile_and_availability_change,
    deactivated_agent_is_locked_out,
);

async fn login_refresh_and_logout(app: TestApp) {
    let me: Agent = app.get("/api/v1/me", app.admin_token()).await.json(200);
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.role, Role::Admin);

    let other = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refreshed: TokenPair = app
        .post("/api/v1/auth/refresh", "", &RefreshRequest { refresh_token: app.admin.refresh_token.clone() })
        .await
        .json(200);
    assert_ne!(refreshed.refresh_token, app.admin.refresh_token);
    // The old refresh token is spent.
    app.post("/api/v1/auth/refresh", "", &RefreshRequest { refresh_token: app.admin.refresh_token.clone() })
        .await
        .error(401, ErrorCode::Unauthorized);

    let answer = app.post_empty("/api/v1/auth/logout", &refreshed.access_token).await;
    assert_eq!(answer.status, 204);
    app.get("/api/v1/me", &refreshed.access_token).await.error(401, ErrorCode::Unauthorized);
    app.post("/api/v1/auth/refresh", "", &RefreshRequest { refresh_token: refreshed.refresh_token })
        .await
        .error(401, ErrorCode::Unauthorized);
    // The refreshed pair is the same session as the first login, so it ended too;
    // other sessions are untouched.
    app.get("/api/v1/me", app.admin_token()).await.error(401, ErrorCode::Unauthorized);
    let _: Agent = app.get("/api/v1/me", &other.access_token).await.json(200);
}

async fn wrong_password_is_refused_and_throttled(app: TestApp) {
    let attempt = |password: &'static str| {
        let body = LoginRequest { email: ADMIN_EMAIL.into(), password: password.into() };
        app.send(app.request(Method::POST, "/api/v1/auth/login", None).json(&body))
    };
    for _ in 0..5 {
        attempt("wrong").await.error(401, ErrorCode::InvalidCredentials);
    }
    let locked = attempt(ADMIN_PASSWORD).await;
    let retry_after: u64 = locked.headers["retry-after"].to_str().unwrap_or("").parse().unwrap_or(0);
    assert!(retry_after > 0 && retry_after <= 900, "Retry-After {retry_after}");
    locked.error(429, ErrorCode::RateLimited);
    app.clock.advance(chrono::Duration::minutes(16));
    let _: TokenPair = attempt(ADMIN_PASSWORD).await.json(200);
    // Unknown accounts look the same as wrong passwords.
    let body = LoginRequest { email: "nobody@natter.test".into(), password: "x".into() };
    app.send(app.request(Method::POST, "/api/v1/auth/login", None).json(&body))
        .await
        .error(401, ErrorCode::InvalidCredentials);
}

async fn expired_access_token_is_refused(app: TestApp) {
    app.clock.advance(chrono::Duration::minutes(16));
    app.get("/api/v1/me", app.admin_token()).await.error(401, ErrorCode::TokenExpired);
    let fresh: TokenPair = app
        .post("/api/v1/auth/refresh", "", &RefreshRequest { refresh_token: app.admin.refresh_token.clone() })
        .await
        .json(200);
    let _: Agent = app.get("/api/v1/me", &fresh.access_token).await.json(200);
    // A forged token fails.
    let mut forged = fresh.access_token.clone();
    forged.pop();
    app.get("/api/v1/me", &forged).await.error(401, ErrorCode::Unauthorized);
    app.get("/api/v1/me", "garbage").await.error(401, ErrorCode::Unauthorized);
    app.send(app.request(Method::GET, "/api/v1/me", None)).await.error(401, ErrorCode::Unauthorized);
}

async fn password_change_ends_other_sessions(app: TestApp) {
    let other = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let wrong = UpdateMe {
        name: None,
        availability: None,
        new_password: Some("a new password".into()),
        current_password: Some("not it".into()),
    };
    app.patch("/api/v1/me", app.admin_token(), &wrong).await.error(401, ErrorCode::InvalidCredentials);
    let short =
        UpdateMe { new_password: Some("short".into()), current_password: Some(ADMIN_PASSWORD.into()), ..wrong.clone() };
    app.patch("/api/v1/me", app.admin_token(), &short).await.error(422, ErrorCode::ValidationFailed);
    let change = UpdateMe { current_password: Some(ADMIN_PASSWORD.into()), ..wrong };
    let _: Agent = app.patch("/api/v1/me", app.admin_token(), &change).await.json(200);
    let _: Agent = app.get("/api/v1/me", app.admin_token()).await.json(200);
    app.get("/api/v1/me", &other.access_token).await.error(401, ErrorCode::Unauthorized);
    app.post("/api/v1/auth/refresh", "", &RefreshRequest { refresh_token: other.refresh_token })
        .await
        .error(401, ErrorCode::Unauthorized);
    let _ = app.login(ADMIN_EMAIL, "a new password").await;
}

async fn profile_and_availability_change(app: TestApp) {
    let update = UpdateMe {
        name: Some("Ana".into()),
        availability: Some(Availability::Away),
        new_password: None,
        current_password: None,
    };
    let me: Agent = app.patch("/api/v1/me", app.admin_token(), &update).await.json(200);
    assert_eq!((me.name.as_str(), me.availability), ("Ana", Availability::Away));
    let blank = UpdateMe { name: Some("  ".into()), availability: None, new_password: None, current_password: None };
    app.patch("/api/v1/me", app.admin_token(), &blank).await.error(422, ErrorCode::ValidationFailed);
}

async fn deactivated_agent_is_locked_out(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let off = UpdateAgent { name: None, role: None, active: Some(false), availability: None, capacity: None };
    let agent: Agent = app.patch(&format!("/api/v1/agents/{}", ben.agent.id), app.admin_token(), &off).await.json(200);
    assert!(!agent.active);
    app.get("/api/v1/me", &ben.access_token).await.error(401, ErrorCode::Unauthorized);
    let body = LoginRequest { email: ben.agent.email.clone(), password: "password123".into() };
    app.send(app.request(Method::POST, "/api/v1/auth/login", None).json(&body))
        .await
        .error(401, ErrorCode::InvalidCredentials);
    // The last admin can't be demoted.
    let demote = UpdateAgent { name: None, role: Some(Role::Agent), active: None, availability: None, capacity: None };
    app.patch(&format!("/api/v1/agents/{}", app.admin.agent.id), app.admin_token(), &demote)
        .await
        .error(409, ErrorCode::Conflict);
}
