//! Files reach the composer by dropping and pasting too, and the server's upload
//! limit (not a number built into the page) decides what is refused at once.

use crate::harness::*;

/// Dispatches `kind` ("drop" or "paste") on `css` carrying a file `name` of `bytes` bytes.
fn give_file(css: &str, kind: &str, name: &str, bytes: usize) -> String {
    let event = match kind {
        "drop" => "new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true })",
        _ => "new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })",
    };
    format!(
        "const data = new DataTransfer(); \
         data.items.add(new File(['x'.repeat({bytes})], {name:?}, {{ type: 'text/plain' }})); \
         document.querySelector({css:?}).dispatchEvent({event}); return 1"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_dropped_and_pasted_and_the_servers_limit_applies() {
    let server = Server::start_with(|s| s.max_upload_bytes = 2048).await;
    with_browser("drop_and_paste", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Here is my problem").await;
        let mut socket = server.visitor_socket(&visitor).await;
        b.click(&card(conversation)).await?;
        b.find("#composer").await?;

        b.js(&give_file("#composer", "drop", "dropped.txt", 100)).await?;
        b.find(".upload.done[data-name='dropped.txt']").await?;
        b.js(&give_file("#composer-input", "paste", "pasted.txt", 200)).await?;
        b.find(".upload.done[data-name='pasted.txt']").await?;
        // Over the server's 2 KB: refused before any byte is sent.
        b.js(&give_file("#composer", "drop", "big.txt", 4096)).await?;
        b.until_text(".upload.failed[data-name='big.txt']", "2 KB").await?;
        b.click(".upload.failed .remove-upload").await?;

        b.type_into("#composer-input", "Two notes").await?;
        b.click("#send").await?;
        let message = socket.next_message().await;
        let mut names: Vec<_> = message.attachments.iter().map(|a| a.filename.as_str()).collect();
        names.sort();
        assert_eq!(names, ["dropped.txt", "pasted.txt"]);
        b.until_gone(".upload").await?;
        Ok(())
    })
    .await;
}
