#!/usr/bin/env python3
"""Makes a benchmark's data through the HTTP API, like a user (bench/run.sh, bench/lighthouse.sh):
a confirmed account (its e-mail read from the mail sink's folder), made a platform admin so it
can give its workspace Pro (complimentary), the workspace, a published bio page with realistic
blocks, and a short link. Writes WS, SLUG, BLOCKS and the signed-in COOKIE to $OUT as shell
variables. Environment: BASE, MAIL_DIR, HANDLE, SERVER_BIN, OUT.
"""
import datetime, email, email.policy, glob, json, os, re, subprocess, sys, time
import urllib.error, urllib.parse, urllib.request

BASE, MAIL_DIR, HANDLE = os.environ["BASE"], os.environ["MAIL_DIR"], os.environ["HANDLE"]
EMAIL, PASSWORD = f"{HANDLE}@example.com", "juniper canal whistle 77"
cookies = {}

def call(fn, **form):
    """POSTs a server fn form-encoded, as the client does, with the cookies and the Origin."""
    req = urllib.request.Request(f"{BASE}/api/{fn}", data=urllib.parse.urlencode(form).encode(), method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    req.add_header("Origin", BASE)
    if cookies:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            for c in res.headers.get_all("Set-Cookie") or []:
                name, _, value = c.split(";", 1)[0].partition("=")
                cookies[name.strip()] = value.strip()
            body = res.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"{fn}: HTTP {e.code}: {e.read().decode(errors='replace')[:500]}")
    return json.loads(body) if body.strip() else None

def verification_token(timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        for path in sorted(glob.glob(os.path.join(MAIL_DIR, "*.eml"))):
            with open(path, "rb") as f:
                msg = email.message_from_bytes(f.read(), policy=email.policy.default)
            if EMAIL not in str(msg.get("To", "")).lower():
                continue
            for part in msg.walk():
                if part.is_multipart():
                    continue
                text = (part.get_payload(decode=True) or b"").decode(errors="replace")
                m = re.search(r'https?://[^\s"<>]*/verify-email\?token=([^\s"<>&]+)', text)
                if m:
                    return urllib.parse.unquote(m.group(1))
        time.sleep(0.2)
    sys.exit(f"no verification e-mail to {EMAIL} arrived within {timeout} s")

out = call("sign_up", name="Bench Person", email=EMAIL, password=PASSWORD)
if not out.get("email_configured"):
    sys.exit(f"sign_up says e-mail is not configured: {out}")
call("verify_email", token=verification_token())
# The bench account is a platform admin, so it can give its workspace Pro (complimentary).
subprocess.run([os.environ["SERVER_BIN"], "promote", EMAIL, "admin"], check=True, stdout=subprocess.DEVNULL,
               env={**os.environ, "RUST_LOG": "warn"})
out = call("sign_in", email=EMAIL, password=PASSWORD)
if "SignedIn" not in json.dumps(out):
    sys.exit(f"sign_in did not sign in: {out}")
ws = call("create_workspace", name="Bench Studio", kind="creator")["id"]
until = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
call("admin_set_complimentary", workspace_id=ws, plan="pro", until=until)
billing = call("get_billing", workspace=ws)
if billing.get("effective_plan") != "pro":
    sys.exit(f"the workspace did not move to Pro: {billing}")
page = call("create_bio_page", workspace=ws, handle=HANDLE)

links = [
    ("Latest video: 10 minute studio tour", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("Shop my presets", "https://shop.example.com/presets"),
    ("Book a 1:1 coaching call", "https://cal.example.com/bench/coaching"),
    ("Free guide: lighting on a budget", "https://example.com/guides/lighting"),
    ("My camera gear list", "https://example.com/gear"),
    ("Podcast: Making Things, episode 42", "https://podcast.example.com/episodes/42"),
]
blocks = [{"id": "hdr", "type": "header", "text": "Sam Rivera: photographer and teacher"}]
blocks += [{"id": f"link{i}", "type": "link", "title": t, "url": u, "enabled": True} for i, (t, u) in enumerate(links, 1)]
blocks += [
    {"id": "about", "type": "text", "text": "I teach **photography** to people who *just started*.\n\n"
        "New lessons every Tuesday. Questions? Read the [FAQ](https://example.com/faq) first."},
    {"id": "social", "type": "social", "links": [
        {"network": "instagram", "url": "https://instagram.com/bench"},
        {"network": "youtube", "url": "https://youtube.com/@bench"},
    ]},
    {"id": "signup", "type": "email_capture", "heading": "Get the weekly photo tip", "button": "Subscribe",
        "consent": "I agree to receive e-mails from Sam Rivera and can unsubscribe at any time."},
]
content = {"blocks": blocks, "seo": {"title": "Sam Rivera", "description": "Photography lessons, presets and gear."}}
page = call("save_bio_draft", workspace=ws, page=page["id"], content=json.dumps(content), version=page["version"])
page = call("publish_bio_page", workspace=ws, page=page["id"], version=page["version"])
if not page.get("published"):
    sys.exit(f"publish_bio_page did not publish: {page}")
link = call("create_short_link", workspace=ws, url="https://example.com/spring-sale?utm_source=bench", slug="")
# A published form: its starter step (name and e-mail) and a second step with a choice.
form = call("create_form", workspace=ws, title="Coaching enquiry")
definition = form["draft"]
definition["steps"].append({"id": "about", "title": "About you", "fields": [
    {"id": "level", "kind": "single_select", "label": "Your level", "required": True, "options": ["Beginner", "Improving", "Professional"]},
    {"id": "goal", "kind": "long_text", "label": "What would you like to learn?", "max_len": 2000},
], "jumps": []})
form = call("save_form", workspace=ws, form=form["id"], content=json.dumps(definition), version=form["version"])
form = call("publish_form", workspace=ws, form=form["id"], version=form["version"])

with open(os.environ["OUT"], "w") as f:
    f.write(f"WS={ws}\nSLUG={link['slug']}\nBLOCKS={len(blocks)}\nFORM_SLUG={form['slug']}\n")
    f.write("COOKIE='" + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "'\n")
print(f"    page /{HANDLE} ({len(blocks)} blocks, published), short link /s/{link['slug']}, form /f/{form['slug']}, workspace on Pro until {until}")
