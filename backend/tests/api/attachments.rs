//! Uploads: type sniffed from the bytes, images inline, everything else downloaded.

use crate::helpers::TestApp;
use crate::on_both_databases;
use shared::api::*;

on_both_databases!(types_are_sniffed_and_served_safely);

const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

async fn types_are_sniffed_and_served_safely(app: TestApp) {
    let admin = app.admin_token();
    let html = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec();
    let files =
        [("photo.jpg", PNG.to_vec()), ("page.png", html), ("logo.svg", svg), ("../../etc/passwd", b"x".to_vec())];
    let up: Uploaded = app.upload("/api/v1/attachments", admin, &files).await.json(201);
    assert_eq!(up.attachments.len(), 4);
    let [photo, page, logo, sneaky] = [&up.attachments[0], &up.attachments[1], &up.attachments[2], &up.attachments[3]];
    // The type comes from the bytes, not from the name.
    assert_eq!((photo.content_type.as_str(), photo.inline), ("image/png", true));
    assert!(!page.inline && !page.content_type.starts_with("image/"), "{page:?}");
    assert!(!logo.inline, "SVG is never inline");
    assert_eq!(sneaky.filename, "passwd");

    let answer = app.get(&format!("/api/v1/attachments/{}", photo.id), admin).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-type"], "image/png");
    assert!(answer.headers["content-disposition"].to_str().unwrap_or("").starts_with("inline"));
    assert_eq!(&answer.bytes[..], PNG);
    for file in [page, logo] {
        let answer = app.get(&format!("/api/v1/attachments/{}", file.id), admin).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.headers["content-type"], "application/octet-stream");
        assert_eq!(answer.headers["x-content-type-options"], "nosniff");
        assert!(answer.headers["content-disposition"].to_str().unwrap_or("").starts_with("attachment"));
    }
    // Attached to a message, the files show on it.
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "send it").await;
    let body = PostMessage {
        kind: PostKind::Reply,
        body: "here".into(),
        client_id: "f".into(),
        attachment_ids: vec![photo.id, page.id],
    };
    let message: Message = app.post(&format!("/api/v1/conversations/{conv}/messages"), admin, &body).await.json(201);
    assert_eq!(message.attachments.len(), 2);
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(thread.messages[1].attachments.len(), 2);
    assert_eq!(&app.get(&format!("/api/v1/attachments/{}", photo.id), &visitor.token).await.bytes[..], PNG);
}
