#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use reqwest::header::{HeaderMap, HeaderValue};

#[tokio::main]
async fn main() {
    let app = start().await;
    let out = std::path::Path::new("/tmp/sprout-shots");
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(out.join("app.css"), include_str!("../static/app.css")).unwrap();
    let save = |name: &str, body: &str| {
        std::fs::write(out.join(format!("{name}.html")), body.replace("/static/app.css", "app.css")).unwrap();
    };
    let b = Browser::new(&app);
    save("login", &b.get("/login").await.body);
    let csrf = b.get("/login").await.csrf();
    let bad = b.post("/login", &[("email", PARENT_EMAIL), ("password", "nope"), ("csrf", &csrf)]).await;
    save("login-failed", &bad.body);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    save("home", &b.get("/").await.body);
    for s in ["", "/vitals", "/immunizations", "/medications", "/allergies", "/problems", "/visits", "/lab-results"] {
        let name = if s.is_empty() { "summary".to_owned() } else { s[1..].to_owned() };
        save(&name, &b.get(&format!("/patients/{}{s}", app.ana)).await.body);
    }
    save("404", &b.get(&format!("/patients/{}", app.cara)).await.body);
    let mut h = HeaderMap::new();
    h.insert("accept-language", HeaderValue::from_static("es"));
    let es = Browser::with_headers(&app, h);
    es.sign_in(PARENT_EMAIL, PASSWORD).await;
    save("es-summary", &es.get(&format!("/patients/{}", app.ben)).await.body);
    save("es-immunizations", &es.get(&format!("/patients/{}/immunizations", app.ana)).await.body);
    let n = Browser::new(&app);
    n.sign_in(NURSE_EMAIL, PASSWORD).await;
    save("staff", &n.get("/").await.body);
}
