"""Screenshots of the staff pages for docs/screenshots/ (`make screenshots`).

Builds a throwaway install in a temp directory (migrate, collectstatic, the demo company), serves
it the way `make run` does (gunicorn, DEBUG off, WhiteNoise), signs in as each department with
Debian's chromium (playwright, never `playwright install`) and saves one PNG per page, plus the
first page of each printable PDF (pdftoppm). Nothing outside the temp directory and
docs/screenshots/ is written (collectstatic writes staticfiles/, as `make run` does).

    .venv/bin/python scripts/screenshots.py [--keep DIR]   # --keep: reuse/keep that var dir
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PY = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "returndesk-demo"
DESKTOP = {"width": 1360, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> str:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server did not answer at {url}")


def demo_cases(env) -> dict[str, str]:
    """Case ids worth showing, picked from the demo data by what each page needs."""
    code = """
from returndesk.cases.models import Case, Attachment
def first(**kw):
    c = Case.objects.filter(**kw).order_by('number').first()
    return str(c.pk) if c else ''
rich = (Case.objects.filter(status='submitted', type='return_refund', attachments__kind='image', events__type='note')
        or Case.objects.filter(status='submitted', type='return_refund', attachments__kind='image')).order_by('number').first()
print('detail', str(rich.pk) if rich else first(type='return_refund', status='submitted'))
print('receive', first(status='in_transit'))
print('inspect', first(status='received'))
print('qc', first(status='goods_inspected', lines__reason__reason_class='quality', type='return_refund'))
print('done', first(status='closed', type='return_refund', customer__type='distributor', gm_approved_at__isnull=False))
"""
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return dict(line.split(" ", 1) for line in out.strip().splitlines() if " " in line)


def sign_in(browser, base: str, username: str, viewport=DESKTOP, locale="zh-CN"):
    context = browser.new_context(viewport=viewport, locale=locale, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{base}/")
    return context, page


def shot(page, name: str, full: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(f"  docs/screenshots/{name}.png")


def pdf_page(base: str, context, url: str, name: str, tmp: Path) -> None:
    response = context.request.get(f"{base}{url}")
    if response.status != 200:
        raise SystemExit(f"{url}: {response.status}")
    pdf = tmp / f"{name}.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(OUT / name)],
        check=True,
    )
    print(f"  docs/screenshots/{name}.png (PDF page 1)")


def capture(base: str, cases: dict[str, str], tmp: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        shot(page, "login", full=False)
        context.close()

        context, page = sign_in(browser, base, "agent1")
        shot(page, "home-agent")
        page.goto(f"{base}/cases/?type=return_refund&order=")
        shot(page, "case-list", full=False)
        page.goto(f"{base}/cases/{cases['detail']}/")
        if page.locator("#act-approve:not([open]) > summary").count():
            page.click("#act-approve > summary")
        shot(page, "case-detail")
        page.goto(f"{base}/intake/?customer=C0001")
        page.locator("input[name=line]:not([disabled])").first.check()
        page.locator("select[name^=reason_]:not([disabled])").first.select_option("Q01")
        page.wait_for_selector("#decision .policy-lines")
        shot(page, "intake")
        page.goto(f"{base}/replies/")
        shot(page, "replies", full=False)
        context.close()

        context, page = sign_in(browser, base, "agent1")
        page.locator(".langswitch button[value=en]").click()
        page.wait_for_load_state("networkidle")
        shot(page, "home-agent-en", full=False)
        context.close()

        context, page = sign_in(browser, base, "warehouse", viewport=PHONE)
        shot(page, "home-warehouse-phone")
        page.goto(f"{base}/receiving/{cases['receive']}/")
        shot(page, "receiving-phone")
        if cases.get("inspect"):  # the inspection of each unit, on the phone at the bench
            page.goto(f"{base}/receiving/{cases['inspect']}/")
            shot(page, "inspection-phone")
        context.close()

        context, page = sign_in(browser, base, "qc")
        if cases.get("qc"):
            page.goto(f"{base}/qc/{cases['qc']}/")
            shot(page, "qc-cause")
        context.close()

        context, page = sign_in(browser, base, "gm")
        page.goto(f"{base}/approvals/")
        shot(page, "approvals", full=False)
        pdf_page(base, context, f"/cases/{cases['done']}/petition.pdf", "petition-pdf", tmp)
        pdf_page(base, context, f"/cases/{cases['done']}/request-form.pdf", "request-form-pdf", tmp)
        context.close()

        context, page = sign_in(browser, base, "finance")
        page.goto(f"{base}/finance/")
        shot(page, "finance", full=False)
        context.close()

        context, page = sign_in(browser, base, "supervisor")
        page.goto(f"{base}/workflow/?type=return_refund")
        page.wait_for_selector("html[data-diagram-ready=true]")
        shot(page, "workflow")
        context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="use (and keep) this var dir instead of a temp one")
    args = parser.parse_args()
    var = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="returndesk-shots-"))
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "RETURNDESK_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'returndesk.sqlite3'}",
        "COMPANY_NAME": os.environ.get("COMPANY_NAME", "华辰电子科技有限公司"),
        "LOG_LEVEL": "WARNING",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        print("==> migrate, collectstatic, demo data")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_demo")
        cases = demo_cases(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "-c", "config/gunicorn.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_up(f"{base}/healthz")
        print(f"==> screenshots from {base}")
        capture(base, cases, var)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
