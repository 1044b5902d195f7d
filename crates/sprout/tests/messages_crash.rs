//! All or nothing (issue 5): the real `sprout serve` is killed with SIGKILL at
//! random moments during 50 uploads (a third of them, 0 to 12 ms into the
//! upload of 1 to 3 files of 0.2 to 3 MB) and restarted; an upload cut off is retried
//! once with the same idempotency key. Afterwards every acknowledged message
//! is there whole, with files matching their SHA-256; no message refers to a
//! missing file; no message has fewer files than were sent; no upload was
//! stored twice.

use rand::{Rng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const UPLOADS: usize = 50;
const PASSWORD: &str = "sprout-demo-2026";
const PARENT: &str = "maria.garcia@example.org";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    dir: PathBuf,
    db: String,
    port: u16,
    child: Arc<Mutex<Option<Child>>>,
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts `sprout serve` and waits until it answers.
    async fn start(&self) {
        let child = Command::new(env!("CARGO_BIN_EXE_sprout"))
            .current_dir(&self.dir)
            .args([
                "serve",
                "--database-url",
                &self.db,
                "--config",
                "sprout.toml",
                "--listen",
                &format!("127.0.0.1:{}", self.port),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        *self.child.lock().unwrap() = Some(child);
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(format!("{}/healthz", self.base())).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// SIGKILL (std's `Child::kill` on Unix), and reaps the process.
    fn kill(child: &Mutex<Option<Child>>) -> bool {
        let mut c = child.lock().unwrap();
        match c.take() {
            Some(mut ch) => {
                let _ = ch.kill();
                let _ = ch.wait();
                true
            }
            None => false,
        }
    }

    fn is_running(&self) -> bool {
        self.child.lock().unwrap().is_some()
    }
}

/// One upload: its files' bytes.
struct Upload {
    files: Vec<Vec<u8>>,
}

fn random_png(rng: &mut impl RngCore, len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut rest = vec![0u8; len];
    rng.fill_bytes(&mut rest);
    v.extend_from_slice(&rest);
    v
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    csrf: &str,
    patient: &str,
    i: usize,
    up: &Upload,
) -> Result<Option<String>, reqwest::Error> {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("patient", patient.to_owned())
        .text("category", "clinical")
        .text("subject", format!("upload {i}"))
        .text("body", format!("crash test upload {i}"));
    for (n, f) in up.files.iter().enumerate() {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(f.clone()).file_name(format!("photo-{n}.png")),
        );
    }
    let resp = client
        .post(format!("{base}/messages"))
        .header("Idempotency-Key", format!("crash-upload-{i}"))
        .multipart(form)
        .send()
        .await?;
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Read the whole answer: only a complete response is an acknowledgement.
    resp.bytes().await?;
    Ok((status == reqwest::StatusCode::SEE_OTHER)
        .then_some(location)
        .flatten())
}

fn csrf_of(body: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let i = body.find(marker).expect("a csrf field") + marker.len();
    body[i..i + body[i..].find('"').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_server_leaves_only_whole_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let attachments = dir.join("attachments");
    std::fs::write(
        dir.join("sprout.toml"),
        format!(
            "[policy]\npreset = \"california\"\nproxy_actions = [\"message\"]\n\n\
             [messaging]\nattachments_folder = \"{}\"\n",
            attachments.display()
        ),
    )
    .unwrap();
    let db = format!("sqlite://{}/crash.db", dir.display());
    let accounts = dir.join("accounts.json");
    let out = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .current_dir(&dir)
        .args([
            "demo",
            "--families",
            "1",
            "--no-serve",
            "--database-url",
            &db,
        ])
        .args(["--config", "sprout.toml", "--accounts-json"])
        .arg(&accounts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logins: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&accounts).unwrap()).unwrap();
    let maria = logins
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["email"] == PARENT)
        .unwrap();
    let patient = maria["patients"][0]["id"].as_str().unwrap().to_owned();

    let server = Server {
        dir: dir.clone(),
        db: db.clone(),
        port: free_port(),
        child: Arc::new(Mutex::new(None)),
    };
    server.start().await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = server.base();
    let login = client.get(format!("{base}/login")).send().await.unwrap();
    let csrf = csrf_of(&login.text().await.unwrap());
    let signed = client
        .post(format!("{base}/login"))
        .form(&[("email", PARENT), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), reqwest::StatusCode::SEE_OTHER);
    let page = client
        .get(format!("{base}/messages/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let csrf = csrf_of(&page.text().await.unwrap());

    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0005);
    let uploads: Vec<Upload> = (0..UPLOADS)
        .map(|_| {
            let n = rng.random_range(1..=3);
            Upload {
                files: (0..n)
                    .map(|_| {
                        let len = rng.random_range(200_000..3_000_000);
                        random_png(&mut rng, len)
                    })
                    .collect(),
            }
        })
        .collect();

    let started = Instant::now();
    let mut acked: BTreeMap<usize, String> = BTreeMap::new();
    let mut kills = 0;
    let mut cut = 0;
    for (i, up) in uploads.iter().enumerate() {
        let killer = rng.random_bool(1.0 / 3.0).then(|| {
            let child = server.child.clone();
            let delay = Duration::from_micros(rng.random_range(0..12_000));
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                Server::kill(&child)
            })
        });
        let first = post(&client, &base, &csrf, &patient, i, up).await;
        let killed = match killer {
            Some(k) => k.await.unwrap(),
            None => false,
        };
        kills += usize::from(killed);
        match first {
            Ok(Some(loc)) => {
                acked.insert(i, loc);
            }
            Ok(None) => panic!("upload {i} was refused"),
            Err(_) => {
                // Cut off: the server died. Restart and retry with the same key.
                assert!(killed, "upload {i} failed without a kill");
                cut += 1;
            }
        }
        if !server.is_running() {
            server.start().await;
            if let std::collections::btree_map::Entry::Vacant(slot) = acked.entry(i) {
                if let Ok(Some(loc)) = post(&client, &base, &csrf, &patient, i, up).await {
                    slot.insert(loc);
                }
            }
        }
    }
    Server::kill(&server.child);
    let took = started.elapsed();
    assert!(kills >= 5, "only {kills} kills");
    assert!(cut >= 3, "only {cut} uploads were cut off by a kill");
    assert!(
        acked.len() >= UPLOADS - kills,
        "{} acknowledged",
        acked.len()
    );
    eprintln!(
        "{UPLOADS} uploads, {kills} SIGKILLs, {cut} uploads cut off (retried), {} acknowledged, in {:.1} s",
        acked.len(),
        took.as_secs_f64()
    );

    // After the last kill: open the database as the next start would.
    let store = sprout_store_sqlite::open(&db).await.unwrap();
    use sprout_store::messaging::MessageStore;
    let pid = sprout_domain::PatientId::parse(&patient).unwrap();
    let parent_id = {
        use sprout_store::AccountStore;
        store.account_by_email(PARENT).await.unwrap().unwrap().0.id
    };
    let threads = store
        .threads_of_patients(std::slice::from_ref(&pid), &parent_id)
        .await
        .unwrap();
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for t in threads.iter().filter(|t| t.subject.starts_with("upload ")) {
        let i: usize = t.subject["upload ".len()..].parse().unwrap();
        *seen.entry(i).or_default() += 1;
        let msgs = store.thread_messages(&t.id).await.unwrap();
        assert_eq!(msgs.len(), 1, "upload {i}: one message");
        let files = &msgs[0].attachments;
        let sent = &uploads[i].files;
        assert_eq!(files.len(), sent.len(), "upload {i}: no partial message");
        for a in files {
            let path = attachments.join(&a.id);
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|_| panic!("upload {i}: a message refers to a missing file"));
            let digest = hex(&Sha256::digest(&bytes));
            assert_eq!(digest, a.sha256, "upload {i}: file matches its stored hash");
            assert_eq!(
                digest,
                hex(&Sha256::digest(&sent[a.position as usize])),
                "upload {i}: the file sent"
            );
            assert_eq!(a.size_bytes as usize, sent[a.position as usize].len());
        }
    }
    assert!(
        seen.values().all(|n| *n == 1),
        "no upload stored twice: {seen:?}"
    );
    for (i, loc) in &acked {
        assert!(seen.contains_key(i), "acknowledged upload {i} is there");
        let id = loc.trim_start_matches("/messages/");
        assert!(threads.iter().any(|t| t.id == id), "upload {i}: its thread");
    }
}
